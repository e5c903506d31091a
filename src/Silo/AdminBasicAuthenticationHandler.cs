using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Silo.Host;

/// <summary>
/// HTTP Basic authentication with the admin token as the password (any user name), for the dashboard pages a
/// silo serves: a browser asks for it by itself, and a silo has no sign-in form. The token is compared in
/// constant time over SHA-256 digests. An address that fails <see cref="SiloDashboard.FailuresPerMinute"/> times
/// in a minute gets 429 until the minute is over, without its guesses being checked.
/// </summary>
internal sealed class AdminBasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SiloDashboard dashboard) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private bool _blocked;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var address = Context.Connection.RemoteIpAddress;
        if (dashboard.IsBlocked(address))
        {
            _blocked = true;
            return Task.FromResult(AuthenticateResult.Fail("Too many failed attempts."));
        }

        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!dashboard.Matches(Password(header["Basic ".Length..].Trim())))
        {
            dashboard.RecordFailure(address);
            return Task.FromResult(AuthenticateResult.Fail("Wrong admin token."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin")], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_blocked)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = "60";
            return Task.CompletedTask;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Basic realm=\"Silo dashboard\", charset=\"UTF-8\"";
        return Task.CompletedTask;
    }

    /// <summary>The password of a Basic credential (what follows the first colon); null when it is not one.</summary>
    private static string? Password(string encoded)
    {
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : decoded[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
