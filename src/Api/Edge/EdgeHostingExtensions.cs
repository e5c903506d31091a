using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Silo.Api.Edge;

/// <summary>Registers the edge limits and sets Kestrel's own limits above them, as a backstop.</summary>
internal static class EdgeHostingExtensions
{
    public static WebApplicationBuilder AddEdge(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(EdgeOptions.SectionName);
        builder.Services.AddOptions<EdgeOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp => new TrustedProxies(sp.GetRequiredService<IOptions<EdgeOptions>>().Value.TrustedProxies));
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<EdgeOptions>>((kestrel, edge) =>
        {
            // The edge middleware answers within these limits with a problem body; Kestrel answers beyond them
            // (bare status) before a request reaches the application.
            var limits = kestrel.Limits;
            limits.MaxRequestLineSize = Math.Max(limits.MaxRequestLineSize, edge.Value.MaxUrlLength + 1024);
            limits.MaxRequestHeaderCount = Math.Max(limits.MaxRequestHeaderCount, edge.Value.MaxHeaderCount * 2);
            limits.MaxRequestHeadersTotalSize = Math.Max(limits.MaxRequestHeadersTotalSize, edge.Value.MaxHeaderBytes * 2);
            limits.MaxRequestBodySize = edge.Value.MaxBodyBytes;
        });
        return builder;
    }
}
