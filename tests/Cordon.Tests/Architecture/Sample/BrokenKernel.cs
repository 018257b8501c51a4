// A deliberately broken miniature of Cordon's layout, so the kernel rule is seen to fail when it is broken.
namespace Cordon.Tests.Architecture.Sample.Platform
{
    public sealed class Clock
    {
        public Features.Beta.Parcel? Reaches { get; set; }
    }
}

namespace Cordon.Tests.Architecture.Sample.Features.Alpha
{
    public sealed class Lockdown
    {
        public Beta.Parcel? Borrowed { get; set; }

        public Platform.Clock? Allowed { get; set; }
    }
}

namespace Cordon.Tests.Architecture.Sample.Features.Beta
{
    public sealed class Parcel
    {
        public Platform.Clock? Allowed { get; set; }
    }
}

namespace Cordon.Tests.Architecture.Sample.Features.Gamma
{
    public sealed class Certificate
    {
        public Platform.Clock? Allowed { get; set; }
    }
}
