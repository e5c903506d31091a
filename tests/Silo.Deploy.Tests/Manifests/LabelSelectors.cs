using k8s.Models;

namespace Silo.Deploy.Tests.Manifests;

/// <summary>Kubernetes' label selector semantics: matchLabels and matchExpressions, all of them must hold.</summary>
internal static class LabelSelectors
{
    public static bool Selects(this V1LabelSelector? selector, IDictionary<string, string>? labels)
    {
        labels ??= new Dictionary<string, string>(StringComparer.Ordinal);
        if (selector is null)
        {
            return false;
        }

        var matchLabels = selector.MatchLabels ?? new Dictionary<string, string>(StringComparer.Ordinal);
        var expressions = selector.MatchExpressions ?? [];
        return matchLabels.All(l => labels.TryGetValue(l.Key, out var value) && value == l.Value) &&
               expressions.All(e => Holds(e, labels));
    }

    /// <summary>A map-style selector (a Service's or a PodDisruptionBudget's matchLabels).</summary>
    public static bool Selects(this IDictionary<string, string>? matchLabels, IDictionary<string, string>? labels) =>
        matchLabels is { Count: > 0 } && new V1LabelSelector { MatchLabels = matchLabels }.Selects(labels);

    /// <summary>Whether a selector selects nothing at all (an empty selector selects every pod).</summary>
    public static bool IsEmpty(this V1LabelSelector selector) =>
        selector.MatchLabels is null or { Count: 0 } && selector.MatchExpressions is null or { Count: 0 };

    private static bool Holds(V1LabelSelectorRequirement requirement, IDictionary<string, string> labels)
    {
        var present = labels.TryGetValue(requirement.Key, out var value);
        return requirement.OperatorProperty switch
        {
            "In" => present && requirement.Values.Contains(value!, StringComparer.Ordinal),
            "NotIn" => !present || !requirement.Values.Contains(value!, StringComparer.Ordinal),
            "Exists" => present,
            "DoesNotExist" => !present,
            _ => throw new InvalidOperationException($"unknown selector operator {requirement.OperatorProperty}"),
        };
    }
}
