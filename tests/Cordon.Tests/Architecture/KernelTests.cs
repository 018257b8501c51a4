namespace Cordon.Tests.Architecture;

public sealed class KernelTests
{
    [Fact]
    public void FeaturesDependOnPlatformNeverOnEachOther()
    {
        var violations = FeatureRules.Violations(typeof(Program).Assembly, "Cordon");
        Assert.True(violations.Count == 0, "Cross-feature dependencies:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void TheKernelRuleFailsWhenAFeatureImportsAnother()
    {
        var violations = FeatureRules.Violations(typeof(KernelTests).Assembly, "Cordon.Tests.Architecture.Sample");

        Assert.Contains(violations, v => v.StartsWith("Cordon.Tests.Architecture.Sample.Features.Alpha.Lockdown ", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("Cordon.Tests.Architecture.Sample.Platform.Clock ", StringComparison.Ordinal));
        Assert.DoesNotContain(violations, v => v.Contains(".Beta.Parcel ", StringComparison.Ordinal) || v.Contains(".Gamma.", StringComparison.Ordinal));
    }
}
