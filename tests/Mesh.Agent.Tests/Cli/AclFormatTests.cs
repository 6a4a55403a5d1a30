using System.Text.Json.Nodes;
using Mesh.Agent.Cli.Acl;

namespace Mesh.Agent.Tests.Cli;

/// <summary>The text forms of <c>mesh acl</c> output that do not need a server: Go's time and duration syntax, Consul's token layout.</summary>
public sealed class AclFormatTests
{
    [Theory]
    [InlineData("2026-12-07T05:35:30.152Z", "2026-12-07 05:35:30.152 +0000 UTC")]
    [InlineData("2026-12-07T05:35:30.100000000Z", "2026-12-07 05:35:30.1 +0000 UTC")]
    [InlineData("2026-12-07T05:35:30Z", "2026-12-07 05:35:30 +0000 UTC")]
    [InlineData("2019-04-08T14:46:41.264939-07:00", "2019-04-08 14:46:41.264939 -0700 -0700")]
    [InlineData("not a time", "not a time")]
    public void GoTime_PrintsRfc3339AsGoPrintsTimeTime(string rfc3339, string expected)
        => Assert.Equal(expected, AclFormat.GoTime(rfc3339));

    [Theory]
    [InlineData("1h", true)]
    [InlineData("1h30m", true)]
    [InlineData("1.5h", true)]
    [InlineData("90s", true)]
    [InlineData("0", true)]
    [InlineData("10", false)]
    [InlineData("soon", false)]
    [InlineData("1d", false)]
    [InlineData("", false)]
    public void GoDuration_AcceptsGosSyntaxOnly(string value, bool valid) => Assert.Equal(valid, GoDuration.IsValid(value));

    [Fact]
    public void Token_AlignedLinesLinksAndIdentities_AsConsulPrintsThem()
    {
        var token = JsonNode.Parse("""
            {"AccessorID":"a1","SecretID":"s1","Description":"d","Local":true,"CreateTime":"2026-01-02T03:04:05Z",
             "Hash":"AQI=","CreateIndex":7,"ModifyIndex":9,
             "Policies":[{"ID":"p1","Name":"web"}],"Roles":[{"ID":"r1","Name":"ops"}],
             "ServiceIdentities":[{"ServiceName":"web"},{"ServiceName":"api","Datacenters":["dc1","dc2"]}],
             "NodeIdentities":[{"NodeName":"n1","Datacenter":"dc1"}]}
            """)!;
        Assert.Equal("""
            AccessorID:       a1
            SecretID:         s1
            Description:      d
            Local:            true
            Create Time:      2026-01-02 03:04:05 +0000 UTC
            Hash:             0102
            Create Index:     7
            Modify Index:     9
            Policies:
               p1 - web
            Roles:
               r1 - ops
            Service Identities:
               web (Datacenters: all)
               api (Datacenters: dc1, dc2)
            Node Identities:
               n1 (Datacenter: dc1)

            """.ReplaceLineEndings("\n"), AclFormat.Token(token, meta: true));
    }
}
