using Silo.Api.Hosting;
using Silo.Grains.Hosting;
using Silo.ServiceDefaults;

// Settings files sit beside the binary, so it starts the same from any working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults("silo-frontend");
builder.AddGateway();

var app = builder.Build();
if (!StartupFailure.Validate(app))
{
    return StartupFailure.ConfigurationExitCode;
}

app.MapGateway();
return await StartupFailure.RunAsync(app);

/// <summary>The entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
