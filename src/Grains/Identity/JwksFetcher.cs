using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Silo.Grains.Services;

namespace Silo.Grains.Identity;

/// <summary>
/// Fetches an issuer's JWKS document over HTTP, straight from its <c>jwksUri</c> or through its OpenID Connect
/// discovery document, with one pooled handler for the silo. A document that is not a key set fails the fetch.
/// </summary>
public class JwksFetcher : IDisposable
{
    private readonly HttpMessageInvoker _invoker = OutboundHttp.CreateInvoker();

    public virtual async Task<string> FetchAsync(IssuerDefinition definition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var jwksUri = definition.JwksUri;
        if (jwksUri is null)
        {
            var discovery = OpenIdConnectConfiguration.Create(await GetAsync(definition.DiscoveryUri!, timeoutSource.Token).ConfigureAwait(false));
            jwksUri = discovery.JwksUri ?? throw new InvalidOperationException("The discovery document names no jwks_uri.");
        }

        var jwks = await GetAsync(jwksUri, timeoutSource.Token).ConfigureAwait(false);
        if (new JsonWebKeySet(jwks).Keys.Count == 0)
        {
            throw new InvalidOperationException("The key set holds no keys.");
        }

        return jwks;
    }

    private async Task<string> GetAsync(string uri, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.UserAgent.ParseAdd("silo-gateway/1");
        using var response = await _invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _invoker.Dispose();
        GC.SuppressFinalize(this);
    }
}
