namespace Silo.Deploy.Tests.Manifests;

/// <summary>Silo's two hosts, as containers of the manifests.</summary>
public enum HostKind
{
    /// <summary>Not one of Silo's hosts (Redis in the dev overlay).</summary>
    None,

    /// <summary>The silo host, src/Silo.</summary>
    Silo,

    /// <summary>The HTTP front end, src/Api.</summary>
    FrontEnd,
}
