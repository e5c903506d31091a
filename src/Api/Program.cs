using Silo.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddGateway();

var app = builder.Build();
app.MapGateway();
app.Run();

/// <summary>The entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
