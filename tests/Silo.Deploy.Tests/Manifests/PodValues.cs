namespace Silo.Deploy.Tests.Manifests;

/// <summary>
/// What a cluster would supply and the tests stand in for: the downward API's fields and the Secrets the
/// operator creates (deploy/k8s/README.md names each one; a reference to any other Secret fails here).
/// </summary>
internal static class PodValues
{
    public const string PodName = "silo-silo-5d8f7c9b4-x2x7q";

    public const string Namespace = "silo-test";

    public const string PodIp = "127.0.0.1";

    public const string AdminToken = "deploy-test-admin-token-0123456789";

    /// <summary>The Secrets and keys the README tells operators to create.</summary>
    public static readonly (string Secret, string Key)[] DocumentedSecrets =
    [
        ("silo-admin", "token"),
        ("silo-redis", "connection-string"),
        ("silo-redis", "password"),
    ];

    public static string Field(string path) => path switch
    {
        "metadata.name" => PodName,
        "metadata.namespace" => Namespace,
        "status.podIP" => PodIp,
        _ => throw new InvalidOperationException($"the downward API field {path} has no test value"),
    };

    /// <summary>The Secrets' values, with <paramref name="redis"/> as the Redis connection string.</summary>
    public static Func<string, string, string> Secrets(string redis) => (secret, key) => (secret, key) switch
    {
        ("silo-redis", "connection-string") => redis,
        ("silo-redis", "password") => "deploy-test-redis-password",
        ("silo-admin", "token") => AdminToken,
        _ => throw new InvalidOperationException($"Secret {secret}, key {key}, is not one deploy/k8s/README.md tells operators to create"),
    };
}
