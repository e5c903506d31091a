using Silo.Grains.Hosting;
using Silo.Host;
using Silo.ServiceDefaults;

// Settings files sit beside the binary, so it starts the same from any working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults("silo");
if (!builder.TryAddSiloHost(out var problem))
{
    await Console.Error.WriteLineAsync(problem);
    return 2;
}

var app = builder.Build();
app.MapSiloHost();
return await StartupFailure.RunAsync(app);
