namespace Silo.Api.Hosting;

/// <summary>The demo the embedded default seeds (configuration section <c>Demo</c>).</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>Seed tenant <c>demo</c>, a demo key and service <c>echo</c> at start-up. On in Development (appsettings.Development.json); the default value is false.</summary>
    public bool Seed { get; set; }
}
