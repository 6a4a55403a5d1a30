namespace Mesh.FaultTest.Checking;

/// <summary>The checker's verdict for one key; <see cref="Explanation"/> says where the search got stuck.</summary>
public sealed record LinearizabilityResult(string Key, bool Linearizable, int Operations, bool TimedOut, string? Explanation);
