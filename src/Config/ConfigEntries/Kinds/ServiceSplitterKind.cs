using System.Globalization;
using Mesh.Config.Access;

namespace Mesh.Config.ConfigEntries;

/// <summary>
/// <c>service-splitter</c>: weighted splits of one service's traffic. Weights are rounded to 0.01 (Consul's smallest
/// share) and must add up to exactly 100 after rounding.
/// </summary>
public sealed class ServiceSplitterKind : ConfigEntryKind<ServiceSplitterEntry>
{
    public const string KindName = "service-splitter";

    /// <summary>100% in units of 0.01%.</summary>
    private const int MaxScaledWeight = 100 * 100;

    public override string Kind => KindName;

    public override AclResource Resource => AclResource.Service;

    /// <summary>Consul's <c>NormalizeServiceSplitWeight</c>: the weight rounded to two decimals.</summary>
    public static double NormalizeWeight(double weight) => Scaled(weight) / 100.0;

    protected override ServiceSplitterEntry Normalize(ServiceSplitterEntry entry) => entry with
    {
        Splits = entry.Splits?.Select(split => split with { Weight = NormalizeWeight(split.Weight) }).ToList(),
    };

    protected override void Validate(ServiceSplitterEntry entry)
    {
        if (string.IsNullOrEmpty(entry.Name))
        {
            throw Fail("Name is required");
        }

        if (entry.Splits is not { Count: > 0 } splits)
        {
            throw Fail("no splits configured");
        }

        ConfigMeta.Validate(entry.Meta);
        var seen = new HashSet<(string, string, string, string)>();
        var sum = 0;
        for (var i = 0; i < splits.Count; i++)
        {
            var split = splits[i];
            if (split.Weight < 0 || double.IsNaN(split.Weight))
            {
                throw Fail($"Splits[{i}].Weight must be >= 0, got {split.Weight.ToString(CultureInfo.InvariantCulture)}");
            }

            var key = (string.IsNullOrEmpty(split.Service) ? entry.Name : split.Service, split.ServiceSubset ?? string.Empty,
                split.Namespace ?? string.Empty, split.Partition ?? string.Empty);
            if (!seen.Add(key))
            {
                throw Fail($"split destination occurs more than once: service=\"{key.Item1}\", subset=\"{key.Item2}\", namespace=\"{key.Item3}\", partition=\"{key.Item4}\"");
            }

            sum += Scaled(split.Weight);
        }

        if (sum != MaxScaledWeight)
        {
            throw Fail($"the sum of all split weights must be 100, not {(sum / 100.0).ToString("F6", CultureInfo.InvariantCulture)}");
        }
    }

    protected override ServiceSplitterEntry WithoutEnvelope(ServiceSplitterEntry entry)
        => entry with { Kind = null, Name = null, Hash = null, CreateIndex = null, ModifyIndex = null };

    /// <summary>A weight in units of 0.01%, as Consul's <c>scaleWeight</c> (float32 arithmetic, rounded).</summary>
    private static int Scaled(double weight) => (int)Math.Round((double)((float)weight * 100.0f), MidpointRounding.AwayFromZero);
}
