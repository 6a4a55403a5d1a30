using Google.Protobuf.WellKnownTypes;

namespace Mesh.XdsServer.Resources;

/// <summary>One resource ready to send: packed into an <see cref="Any"/> once, versioned by the hash of its bytes.</summary>
internal sealed record VersionedResource(string Name, string Version, Any Packed);
