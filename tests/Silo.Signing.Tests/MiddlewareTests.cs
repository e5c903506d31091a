using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Silo.TestKit;

namespace Silo.Signing.Tests;

/// <summary>
/// The middleware in a real Kestrel app, called over HTTP with requests signed as the gateway signs them for the
/// target it sends to: the body is checked against its digest and can still be read by the app; anything
/// unsigned or altered gets one 401 problem.
/// </summary>
public sealed class MiddlewareTests : IAsyncLifetime
{
    private static readonly SigningKey Key = new("sig_test", "a secret of thirty-two bytes...."u8.ToArray());
    private LoopbackApp? _app;

    public async Task InitializeAsync()
    {
        var options = new SignatureVerifierOptions();
        options.Keys.Add(Key);
        var verifier = new SignatureVerifier(options);
        _app = await LoopbackApp.StartAsync(app =>
        {
            app.UseSiloSignatureVerification(verifier);
            app.Map("/{**path}", async (HttpContext context) =>
            {
                var verification = context.Features.Get<SignatureVerification>()!;
                using var reader = new StreamReader(context.Request.Body);
                return Results.Json(new { verification.TenantId, verification.CallerKeyId, body = await reader.ReadToEndAsync() });
            });
        });
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private HttpRequestMessage Signed(HttpMethod method, string pathAndQuery, string? body, string? bodySent = null)
    {
        var target = new Uri(_app!.BaseUrl + pathAndQuery);
        var request = new HttpRequestMessage(method, target);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["silo-tenant-id"] = "acme", ["silo-key-id"] = "k_1" };
        List<string> components = [.. SiloSignature.Components];
        if (body is not null)
        {
            fields["content-digest"] = ContentDigest.Of(Encoding.UTF8.GetBytes(body));
            components.Add("content-digest");
            request.Content = new StringContent(bodySent ?? body, Encoding.UTF8, "application/json");
            request.Headers.TryAddWithoutValidation(SiloSignature.ContentDigestHeader, fields["content-digest"]);
        }

        var message = new SignedMessage(method.Method, target.Scheme + "://" + target.Authority + target.PathAndQuery, name => fields.GetValueOrDefault(name), body is not null);
        var (input, signature) = RequestSigner.Sign(message, components, [Key], DateTimeOffset.UtcNow, SiloSignature.ValidFor);
        request.Headers.TryAddWithoutValidation(SiloSignature.TenantIdHeader, "acme");
        request.Headers.TryAddWithoutValidation(SiloSignature.KeyIdHeader, "k_1");
        request.Headers.TryAddWithoutValidation(SiloSignature.SignatureInputHeader, input);
        request.Headers.TryAddWithoutValidation(SiloSignature.SignatureHeader, signature);
        return request;
    }

    [Fact]
    public async Task ASignedPost_ReachesTheApp_WithItsBodyReadableAndTheCallerNamed()
    {
        using var client = new HttpClient();
        using var request = Signed(HttpMethod.Post, "/orders/a%2Fb?x=%20y", "{\"hello\": \"world\"}");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("acme", json.GetProperty("tenantId").GetString());
        Assert.Equal("k_1", json.GetProperty("callerKeyId").GetString());
        Assert.Equal("{\"hello\": \"world\"}", json.GetProperty("body").GetString());
    }

    [Fact]
    public async Task ABodyChangedAfterSigning_AnUnsignedRequest_AndAReplay_GetTheSame401Problem()
    {
        using var client = new HttpClient();
        using var tampered = Signed(HttpMethod.Post, "/orders", "{\"amount\": 1}", bodySent: "{\"amount\": 9}");
        using var unsigned = new HttpRequestMessage(HttpMethod.Get, _app!.BaseUrl + "/orders");
        using var first = Signed(HttpMethod.Get, "/orders", null);
        using var replay = Signed(HttpMethod.Get, "/orders", null);
        foreach (var header in first.Headers)
        {
            replay.Headers.Remove(header.Key);
            replay.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(first)).StatusCode);
        foreach (var request in new[] { tampered, unsigned, replay })
        {
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(SignatureVerificationMiddleware.ProblemType, problem.GetProperty("type").GetString());
        }
    }
}
