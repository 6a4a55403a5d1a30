namespace Mesh.FaultTest.Fuzz;

/// <summary>A case that broke a rule: a 5xx, no answer at all, or a rejected write that changed the state.</summary>
public sealed record FuzzFinding(string Rule, FuzzCase Case, int Status, string Response);

/// <summary>Cases by status class and by endpoint, and the findings; <see cref="Passed"/> when there are none.</summary>
public sealed record FuzzResult(int Seed, int Cases, TimeSpan Elapsed, IReadOnlyDictionary<string, int> ByClass, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ByEndpoint, int RejectedWritesChecked, IReadOnlyList<FuzzFinding> Findings)
{
    public int ServerErrors => Findings.Count(f => f.Rule == "5xx");

    public int StateChangedOnReject => Findings.Count(f => f.Rule == "state changed by a rejected write");

    public bool Passed => Findings.Count == 0;
}
