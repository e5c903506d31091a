namespace Silo.Api.Endpoints;

internal static class ResultExtensions
{
    /// <summary>Adds a <c>Location</c> header to a result (for 201 Created).</summary>
    public static IResult WithLocation(this IResult result, string location) => new Located(result, location);

    private sealed class Located(IResult inner, string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
