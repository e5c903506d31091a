using System.Text.Json;

namespace Silo.Api.Tests.Infrastructure;

/// <summary>Assertions on HTTP responses that print the body when they fail.</summary>
public static class Expect
{
    public static async Task StatusAsync(HttpResponseMessage response, int status)
    {
        ArgumentNullException.ThrowIfNull(response);
        if ((int)response.StatusCode != status)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"Expected {status}, got {(int)response.StatusCode}: {body}");
        }
    }

    /// <summary>Asserts a problem+json response with the given status and type, and returns its body.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, int status, string type)
    {
        await StatusAsync(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.Equal("urn:silo:problem:" + type, body.GetProperty("type").GetString());
        var text = body.GetRawText();
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        return body;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, int status)
    {
        await StatusAsync(response, status);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }
}
