using Silo.ServiceDefaults;
using Microsoft.Extensions.Options;
using Silo.Api.Auth;

namespace Silo.Api.Hosting;

/// <summary>An admin token is required in Production, and a configured one must be long enough.</summary>
internal sealed class AdminOptionsValidator(IHostEnvironment environment) : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Token))
        {
            return environment.IsProduction()
                ? ValidateOptionsResult.Fail($"Admin:Token is not set. In Production an admin token is required: set the Admin__Token environment variable (at least {AdminToken.MinimumLength} characters).")
                : ValidateOptionsResult.Success;
        }

        return options.Token.Length < AdminToken.MinimumLength
            ? ValidateOptionsResult.Fail($"Admin:Token must be at least {AdminToken.MinimumLength} characters long.")
            : ValidateOptionsResult.Success;
    }
}
