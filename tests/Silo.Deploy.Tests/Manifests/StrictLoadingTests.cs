namespace Silo.Deploy.Tests.Manifests;

/// <summary>The typed, strict load is what catches a misspelt field or a wrong type in a manifest.</summary>
public sealed class StrictLoadingTests
{
    private static string Rendered => RenderedOverlay.Of("dev").Yaml;

    [Fact]
    public void RenderedOverlay_LoadsStrictly()
    {
        Assert.NotEmpty(RenderedOverlay.Load(Rendered));
    }

    [Theory]
    [InlineData("containerPort:", "containerPrt:", "containerPrt")]
    [InlineData("readOnlyRootFilesystem:", "readonlyRootFileSystem:", "readonlyRootFileSystem")]
    [InlineData("terminationGracePeriodSeconds:", "terminationGracePeriod:", "terminationGracePeriod")]
    [InlineData("  labels:", "  lables:", "lables")]
    public void MisspeltField_FailsTheLoad(string field, string misspelt, string expected)
    {
        var yaml = ReplaceFirst(Rendered, field, misspelt);

        var error = Assert.ThrowsAny<Exception>(() => RenderedOverlay.Load(yaml));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MisspeltField_WouldPassALenientLoad()
    {
        // Why the load is strict: KubernetesClient's default drops fields it does not know, silently.
        var yaml = ReplaceFirst(Rendered, "containerPort:", "containerPrt:");

        Assert.NotEmpty(k8s.KubernetesYaml.LoadAllFromString(yaml, typeMap: null, strict: false));
    }

    [Theory]
    [InlineData("replicas: 1", "replicas: one")]
    [InlineData("terminationGracePeriodSeconds: 45", "terminationGracePeriodSeconds: soon")]
    [InlineData("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: [true]")]
    public void ValueOfTheWrongType_FailsTheLoad(string field, string wrong)
    {
        var yaml = ReplaceFirst(Rendered, field, wrong);

        Assert.ThrowsAny<Exception>(() => RenderedOverlay.Load(yaml));
    }

    [Fact]
    public void UnknownKind_FailsTheLoad()
    {
        var yaml = ReplaceFirst(Rendered, "kind: PodDisruptionBudget", "kind: PodDisruptionBudgit");

        Assert.ThrowsAny<Exception>(() => RenderedOverlay.Load(yaml));
    }

    private static string ReplaceFirst(string text, string what, string with)
    {
        var at = text.IndexOf(what, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{what}' is not in the rendered overlay");
        return string.Concat(text.AsSpan(0, at), with, text.AsSpan(at + what.Length));
    }
}
