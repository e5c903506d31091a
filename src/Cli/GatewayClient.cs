using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Silo.Cli;

/// <summary>The admin API and <c>/v1/check</c> over HTTP, with the admin token or an API key.</summary>
public sealed class GatewayClient(HttpClient http, string? adminToken)
{
    public async Task<GatewayAnswer> SendAsync(HttpMethod method, string path, HttpContent? content = null, string? apiKey = null, string? accept = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }
        else if (!string.IsNullOrEmpty(adminToken))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        }

        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return new GatewayAnswer((int)response.StatusCode, body, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>A document read from <paramref name="path"/>: YAML unless its name ends in <c>.json</c>.</summary>
    public static HttpContent Document(string path, string text)
    {
        var content = new StringContent(text, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(
            path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "application/json" : "application/yaml");
        return content;
    }

    public static HttpContent Json(object value) =>
        new StringContent(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");
}
