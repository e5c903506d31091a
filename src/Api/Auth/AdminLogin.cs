using Silo.ServiceDefaults;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Silo.Api.Errors;
using Silo.Api.Telemetry;

namespace Silo.Api.Auth;

/// <summary>
/// Browser sign-in for the operations pages (the gateway console at <c>/console</c>, the Orleans Dashboard at
/// <c>/dashboard</c>): <c>GET /login</c> shows
/// a form for the admin token; <c>POST /login</c> checks it and sets an HttpOnly, SameSite=Strict session cookie
/// (8 hours); <c>POST /logout</c> ends it. A wrong token spends the admin API's failed-authentication budget and
/// goes to the security log, like a wrong bearer token. Without the cookie a page request is sent to the form
/// and any other request gets 401 — never grain data.
/// </summary>
internal static class AdminLogin
{
    public const string Scheme = "silo-admin";
    public const string Policy = "admin-session";
    public const string CookieName = "silo_admin";

    /// <summary>The header the console sends with every change it makes through the admin API with a session.</summary>
    public const string ConsoleHeader = "X-Silo-Console";

    /// <summary>Where a sign-in goes when it was not sent from a page.</summary>
    public const string DefaultPage = "/console/";

    /// <summary>
    /// Whether the request carries a valid browser session. The cookie is read here, on the admin requests that
    /// ask, not by a default scheme on every request (the proxy and <c>/v1/check</c> never carry it).
    /// </summary>
    public static async Task<bool> HasSessionAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(Scheme);
        return result.Succeeded && result.Principal.Identity is { IsAuthenticated: true, AuthenticationType: Scheme };
    }

    public static IServiceCollection AddAdminLogin(this IServiceCollection services)
    {
        // No default scheme: pages and the dashboard name this one in their policy; admin calls ask HasSessionAsync.
        services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = false;
            options.LoginPath = "/login";
            options.Events.OnRedirectToLogin = context =>
            {
                // Pages are sent to the form; the dashboard's data requests get a plain 401.
                if (context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.Redirect(context.RedirectUri);
                }
                else
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                }

                return Task.CompletedTask;
            };
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return services;
    }

    public static void MapAdminLogin(this IEndpointRouteBuilder app)
    {
        app.MapGet("/login", (string? returnUrl) => Page(returnUrl, failed: false, StatusCodes.Status200OK)).ExcludeFromDescription();
        app.MapPost("/login", SignInAsync).ExcludeFromDescription();
        app.MapPost("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(Scheme);
            return Results.Redirect("/login");
        }).ExcludeFromDescription();
    }

    private static async Task<IResult> SignInAsync(
        HttpContext context,
        AdminToken token,
        [FromKeyedServices(FailedAuthenticationLimiter.Admin)] FailedAuthenticationLimiter failures,
        SecurityLog securityLog,
        GatewayMetrics metrics)
    {
        var address = context.Connection.RemoteIpAddress;
        if (failures.IsBlocked(address))
        {
            metrics.AuthenticationBlocked("admin");
            return Endpoints.Admission.TooManyFailuresProblem();
        }

        if (!context.Request.HasFormContentType)
        {
            return Problem.For(GatewayError.UnsupportedMediaType, "Send the form (application/x-www-form-urlencoded).");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var returnUrl = form["returnUrl"].ToString();
        if (!token.Matches(form["token"].ToString()))
        {
            failures.RecordFailure(address);
            securityLog.AdminFailed(address, context.Request.Method, context.Request.Path);
            return Page(returnUrl, failed: true, StatusCodes.Status401Unauthorized);
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin")], Scheme);
        await context.SignInAsync(Scheme, new ClaimsPrincipal(identity));
        return Results.Redirect(IsLocal(returnUrl) ? returnUrl : DefaultPage);
    }

    /// <summary>Only a path on this site (not <c>//host</c> or <c>/\host</c>), so the form cannot send anyone elsewhere.</summary>
    private static bool IsLocal(string url) =>
        url.Length > 0 && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));

    private static IResult Page(string? returnUrl, bool failed, int status)
    {
        var target = WebUtility.HtmlEncode(returnUrl is { } url && IsLocal(url) ? url : DefaultPage);
        var message = failed ? "<p class=\"error\" role=\"alert\">That is not the admin token.</p>" : string.Empty;
        var html = $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Silo — sign in</title>
            <style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}input,button{font:inherit;padding:.4rem;width:100%;box-sizing:border-box;margin:.3rem 0}.error{color:#b00}</style>
            </head><body>
            <h1>Silo operations</h1>
            {{message}}
            <form method="post" action="/login">
            <label for="token">Admin token</label>
            <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
            <input type="hidden" name="returnUrl" value="{{target}}">
            <button type="submit">Sign in</button>
            </form>
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
