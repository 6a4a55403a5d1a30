namespace Mesh.Config.ConfigEntries;

/// <summary>The miekg/dns <c>IsDomainName</c> test Consul applies to gateway hosts: labels of 1-63 octets, 255 in all.</summary>
internal static class DomainName
{
    public static bool IsValid(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        if (name == ".")
        {
            return true;
        }

        var trimmed = name.EndsWith('.') ? name[..^1] : name;
        if (trimmed.Length is 0 or > 254)
        {
            return false;
        }

        return trimmed.Split('.').All(label => label.Length is > 0 and <= 63);
    }
}
