using Silo.Bench.OrleansFloor;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.UseOrleans(silo => silo.UseLocalhostClustering(siloPort: builder.Configuration.GetValue("SiloPort", 11119), gatewayPort: 0));
var app = builder.Build();

app.MapPost("/v1/check", async (HttpRequest request, IGrainFactory grains) =>
{
    var key = request.Headers["X-Api-Key"].ToString();
    if (key.Length == 0)
    {
        return Results.Problem(statusCode: 401, title: "A valid API key is required.");
    }

    var remaining = await grains.GetGrain<IBucketGrain>(key).TryTakeAsync(1);
    return remaining < 0
        ? Results.Problem(statusCode: 429, title: "Rate limit exceeded.")
        : Results.Json(new CheckResponse(true, BucketGrain.Limit, remaining, 0));
});

app.MapGet("/ready", () => "ready");
app.Run();
