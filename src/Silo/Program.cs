using Silo.Host;

var builder = WebApplication.CreateBuilder(args);
if (!builder.TryAddSiloHost(out var problem))
{
    await Console.Error.WriteLineAsync(problem);
    return 2;
}

var app = builder.Build();
app.MapSiloHost();
await app.RunAsync();
return 0;
