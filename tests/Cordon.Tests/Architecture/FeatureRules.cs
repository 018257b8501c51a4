using System.Reflection;
using System.Text.RegularExpressions;
using NetArchTest.Rules;

namespace Cordon.Tests.Architecture;

/// <summary>
/// The kernel rule of docs/decisions/008 as a check any assembly can be put through: a feature
/// (<c>{root}.Features.X</c>, and its compiled views <c>Features_X_…</c>) depends on Platform and on itself,
/// never on another feature; Platform depends on no feature.
/// </summary>
internal static partial class FeatureRules
{
    public static IReadOnlyList<string> Violations(Assembly assembly, string root)
    {
        var features = Types.InAssembly(assembly).That().ResideInNamespace(root + ".Features").GetTypes()
            .Select(t => FeatureOf(t.Namespace, root)).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        var violations = new List<string>();
        foreach (var feature in features)
        {
            var others = features.Where(f => f != feature).Select(f => $"{root}.Features.{f}").ToArray();
            if (others.Length == 0)
            {
                continue;
            }

            var own = Types.InAssembly(assembly).That().ResideInNamespaceMatching($"^{Regex.Escape(root)}\\.Features\\.{feature}(\\..*)?$")
                .ShouldNot().HaveDependencyOnAny(others).GetResult();
            violations.AddRange((own.FailingTypeNames ?? []).Select(t => $"{t} (feature {feature}) uses another feature"));

            var views = Types.InAssembly(assembly).That().HaveNameStartingWith($"Features_{feature}_")
                .ShouldNot().HaveDependencyOnAny(others).GetResult();
            violations.AddRange((views.FailingTypeNames ?? []).Select(t => $"{t} (a view of {feature}) uses another feature"));
        }

        var platform = Types.InAssembly(assembly).That().ResideInNamespace(root + ".Platform")
            .ShouldNot().HaveDependencyOn(root + ".Features").GetResult();
        violations.AddRange((platform.FailingTypeNames ?? []).Select(t => $"{t} (Platform) uses a feature"));
        return violations;
    }

    private static string? FeatureOf(string? ns, string root)
    {
        var prefix = root + ".Features.";
        return ns is not null && ns.StartsWith(prefix, StringComparison.Ordinal) ? ns[prefix.Length..].Split('.')[0] : null;
    }
}
