using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Silo.Api.Tests.Infrastructure;
using Silo.Signing;
using Silo.TestKit;

namespace Silo.Api.Tests.Forwarding;

/// <summary>
/// Signed forwarding end to end: the admin API makes a service sign, the gateway signs each forwarded request,
/// and a real downstream running the Silo.Signing middleware with the secret the admin API showed verifies it
/// (body, path as the client encoded it, the admitted tenant and key); rotation overlaps; stopping signs nothing.
/// </summary>
public sealed class SignedForwardingTests(KestrelGatewayFactory gateway) : IClassFixture<KestrelGatewayFactory>, IAsyncLifetime
{
    private readonly SignatureVerifierOptions _accepts = new();
    private LoopbackApp? _downstream;

    public async Task InitializeAsync()
    {
        var verifier = new SignatureVerifier(_accepts);
        _downstream = await LoopbackApp.StartAsync(app =>
        {
            app.UseWhen(c => c.Request.Path.StartsWithSegments("/verified", StringComparison.Ordinal), verified => verified.UseSiloSignatureVerification(verifier));
            app.Map("/{**path}", async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var verification = context.Features.Get<SignatureVerification>();
                return Results.Json(new
                {
                    keyId = verification?.KeyId,
                    tenant = context.Request.Headers[SiloSignature.TenantIdHeader].ToString(),
                    key = context.Request.Headers[SiloSignature.KeyIdHeader].ToString(),
                    signatureInput = context.Request.Headers[SiloSignature.SignatureInputHeader].ToString(),
                    body = await reader.ReadToEndAsync(),
                });
            });
        });
    }

    public async Task DisposeAsync()
    {
        if (_downstream is not null)
        {
            await _downstream.DisposeAsync();
        }
    }

    private async Task<(string Tenant, string Key, string Service)> SetUpAsync(string basePath)
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant);
        var service = await gateway.CreateServiceAsync(_downstream!.BaseUrl + basePath);
        return (tenant, key, service);
    }

    private async Task<SigningKey> AddKeyAsync(string service, int? overlapSeconds = null)
    {
        using var admin = gateway.CreateAdminClient();
        var added = await Expect.JsonAsync(
            await admin.PostAsJsonAsync($"/admin/services/{service}/signing-keys", new { overlapSeconds }), 201);
        return new SigningKey(added.GetProperty("keyId").GetString()!, Convert.FromBase64String(added.GetProperty("secret").GetString()!));
    }

    private void Accept(params SigningKey[] keys)
    {
        _accepts.Keys.Clear();
        foreach (var key in keys)
        {
            _accepts.Keys.Add(key);
        }
    }

    [Fact]
    public async Task ASigningService_SignsTheRequest_AndTheDownstreamVerifiesBodyPathAndCaller()
    {
        var (tenant, key, service) = await SetUpAsync("/verified/base");
        var signing = await AddKeyAsync(service);
        Accept(signing);
        using var client = gateway.CreateKeyClient(key);
        var target = new Uri(gateway.ClientOptions.BaseAddress + service + "/a%2Fb/caf%C3%A9?x=%20y", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent("{\"amount\": 12}", Encoding.UTF8, "application/json") };

        // A client cannot pose as another tenant or key, nor bring its own signature.
        request.Headers.Add(SiloSignature.TenantIdHeader, "someone-else");
        request.Headers.Add(SiloSignature.KeyIdHeader, "k_forged");
        request.Headers.Add(SiloSignature.SignatureInputHeader, "silo=(\"@method\");created=1;keyid=\"x\";tag=\"silo\"");

        var echoed = await Expect.JsonAsync(await client.SendAsync(request), 200);

        Assert.Equal(signing.KeyId, echoed.GetProperty("keyId").GetString());
        Assert.Equal(tenant, echoed.GetProperty("tenant").GetString());
        Assert.Contains(echoed.GetProperty("key").GetString()!, key, StringComparison.Ordinal);
        Assert.Equal("{\"amount\": 12}", echoed.GetProperty("body").GetString());
        Assert.Contains("\"content-digest\"", echoed.GetProperty("signatureInput").GetString(), StringComparison.Ordinal);

        var get = await Expect.JsonAsync(await client.GetAsync($"/{service}/orders?page=2"), 200);
        Assert.Equal(signing.KeyId, get.GetProperty("keyId").GetString());
        Assert.DoesNotContain("content-digest", get.GetProperty("signatureInput").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAdminApi_ShowsKeyIds_NeverSecrets()
    {
        var (_, _, service) = await SetUpAsync("/verified");
        var signing = await AddKeyAsync(service);
        using var admin = gateway.CreateAdminClient();

        var shown = await admin.GetStringAsync($"/admin/services/{service}");

        Assert.Contains(signing.KeyId, shown, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(signing.Secret), shown, StringComparison.Ordinal);
        var signingKeys = JsonDocument.Parse(shown).RootElement.GetProperty("signing");
        Assert.Equal(signing.KeyId, signingKeys[0].GetProperty("keyId").GetString());
        Assert.Equal(JsonValueKind.Null, signingKeys[0].GetProperty("retiresAt").ValueKind);
    }

    [Fact]
    public async Task ARotationWithOverlap_SignsWithBoth_SoEitherSecretVerifies_AndWithoutOverlapOnlyTheNewOne()
    {
        var (_, key, service) = await SetUpAsync("/verified");
        var first = await AddKeyAsync(service);
        var second = await AddKeyAsync(service, overlapSeconds: 600);
        using var client = gateway.CreateKeyClient(key);

        Accept(first);
        Assert.Equal(first.KeyId, (await Expect.JsonAsync(await client.GetAsync($"/{service}/x"), 200)).GetProperty("keyId").GetString());
        Accept(second);
        Assert.Equal(second.KeyId, (await Expect.JsonAsync(await client.GetAsync($"/{service}/x"), 200)).GetProperty("keyId").GetString());

        var third = await AddKeyAsync(service, overlapSeconds: 0);
        Accept(second);
        await Expect.ProblemAsync(await client.GetAsync($"/{service}/x"), 401, "bad-signature");
        Accept(third);
        Assert.Equal(third.KeyId, (await Expect.JsonAsync(await client.GetAsync($"/{service}/x"), 200)).GetProperty("keyId").GetString());
    }

    [Fact]
    public async Task StoppingSigning_SendsRequestsUnsigned_AndClientIdentityHeadersNeverPass()
    {
        var (_, key, service) = await SetUpAsync("");
        var signing = await AddKeyAsync(service);
        Accept(signing);
        using var admin = gateway.CreateAdminClient();
        using var client = gateway.CreateKeyClient(key);
        Assert.Equal(signing.KeyId, (await Expect.JsonAsync(await client.GetAsync($"/{service}/verified"), 200)).GetProperty("keyId").GetString());

        await Expect.StatusAsync(await admin.DeleteAsync($"/admin/services/{service}/signing-keys"), 204);

        await Expect.ProblemAsync(await client.GetAsync($"/{service}/verified"), 401, "bad-signature");
        using var forged = new HttpRequestMessage(HttpMethod.Get, $"/{service}/plain");
        forged.Headers.Add(SiloSignature.TenantIdHeader, "someone-else");
        var plain = await Expect.JsonAsync(await client.SendAsync(forged), 200);
        Assert.Equal("", plain.GetProperty("tenant").GetString());
        Assert.Equal("", plain.GetProperty("signatureInput").GetString());
        Assert.Equal(0, JsonDocument.Parse(await admin.GetStringAsync($"/admin/services/{service}")).RootElement.GetProperty("signing").GetArrayLength());
    }

    [Fact]
    public async Task BadRequests_ForSigningKeys_GetProblems()
    {
        var (_, _, service) = await SetUpAsync("");
        using var admin = gateway.CreateAdminClient();

        await Expect.ProblemAsync(await admin.PostAsJsonAsync($"/admin/services/{service}/signing-keys", new { overlapSeconds = -1 }), 400, "validation-failed");
        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/admin/services/no-such-service/signing-keys", new { }), 404, "unknown-service");
        await Expect.ProblemAsync(await admin.DeleteAsync("/admin/services/no-such-service/signing-keys"), 404, "unknown-service");
        for (var i = 0; i < 3; i++)
        {
            await AddKeyAsync(service, overlapSeconds: 600);
        }

        await Expect.ProblemAsync(await admin.PostAsJsonAsync($"/admin/services/{service}/signing-keys", new { overlapSeconds = 600 }), 409, "too-many-rotations");
        await AddKeyAsync(service, overlapSeconds: 0);
    }
}
