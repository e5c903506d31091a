namespace Silo.Api.Identity;

public static class JwtCallersExtensions
{
    /// <summary>JWT callers: the issuer index copy, the validator and its <c>Identity</c> settings.</summary>
    public static IServiceCollection AddJwtCallers(this IServiceCollection services)
    {
        services.AddSingleton<IssuerCatalog>();
        services.AddSingleton<JwtCallers>();
        services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }
}
