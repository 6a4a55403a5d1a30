using System.Text.Json.Nodes;
using Mesh.Hcl;

namespace Mesh.Hcl.Tests;

public sealed class HclDocumentTests
{
    private static JsonObject Agent(string text) => HclDocument.Parse(text, HclListKeys.AgentConfig);

    private static void AssertJson(string expected, JsonNode actual)
        => Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual.ToJsonString()}");

    [Fact]
    public void Parse_Scalars_BecomeJsonValues()
    {
        var json = Agent("""
            datacenter = "dc2"
            bootstrap_expect = 3
            ratio = 0.25
            big = 1e3
            negative = -7
            hex = 0x1F
            server = true
            ui = false
            "quoted key" = "v"
            dotted.key-name = "x"
            """);
        AssertJson("""{"datacenter":"dc2","bootstrap_expect":3,"ratio":0.25,"big":1000,"negative":-7,"hex":31,"server":true,"ui":false,"quoted key":"v","dotted.key-name":"x"}""", json);
    }

    [Fact]
    public void Parse_StringEscapesAndInterpolation_AreDecoded()
    {
        var json = Agent("""
            a = "line\nnext\t\"quoted\" back\\slash \u00e9"
            b = "${node.name}-x"
            """);
        Assert.Equal("line\nnext\t\"quoted\" back\\slash \u00e9", json["a"]!.GetValue<string>());
        Assert.Equal("${node.name}-x", json["b"]!.GetValue<string>());
    }

    [Fact]
    public void Parse_Heredocs_KeepTheirLinesAndFinalNewline()
    {
        var json = Agent("""
            rules = <<EOF
            service "web" {
              policy = "write"
            }
            EOF
            indented = <<-EOT
                one
                  two
                EOT
            after = 1
            """);
        Assert.Equal("service \"web\" {\n  policy = \"write\"\n}\n", json["rules"]!.GetValue<string>());
        Assert.Equal("one\n  two\n", json["indented"]!.GetValue<string>());
        Assert.Equal(1, json["after"]!.GetValue<long>());
    }

    [Fact]
    public void Parse_Comments_AreSkipped()
    {
        var json = Agent("""
            # hash comment
            a = 1 // line comment
            /* block
               comment */ b = "x" /* inline */
            """);
        AssertJson("""{"a":1,"b":"x"}""", json);
    }

    [Fact]
    public void Parse_ListsAndObjects_NestAndAllowTrailingCommas()
    {
        var json = Agent("""
            retry_join = ["10.0.0.1:8300",
              "10.0.0.2:8300", ]
            ports { http = -1, https = 8501 }
            node_meta = { rack = "r1" }
            matrix = [[1, 2], [], [{ x = 1 }]]
            """);
        AssertJson("""{"retry_join":["10.0.0.1:8300","10.0.0.2:8300"],"ports":{"http":-1,"https":8501},"node_meta":{"rack":"r1"},"matrix":[[1,2],[],[{"x":1}]]}""", json);
    }

    [Fact]
    public void Parse_Blocks_OneIsAnObjectRepeatedAreAList()
    {
        var json = Agent("""
            tls {
              defaults { verify_incoming = true }
            }
            thing { a = 1 }
            thing { a = 2 }
            """);
        AssertJson("""{"tls":{"defaults":{"verify_incoming":true}},"thing":[{"a":1},{"a":2}]}""", json);
    }

    [Fact]
    public void Parse_ListKeys_AreListsEvenForOneBlock()
    {
        var json = Agent("""
            service {
              name = "web"
              port = 8080
              checks { http = "http://localhost:8080/health", interval = "10s" }
              connect { sidecar_service {
                proxy { upstreams { destination_name = "db", local_bind_port = 9191 } }
              } }
            }
            services { name = "a" }
            """);
        AssertJson("""
            {"service":{"name":"web","port":8080,
               "checks":[{"http":"http://localhost:8080/health","interval":"10s"}],
               "connect":{"sidecar_service":{"proxy":{"upstreams":[{"destination_name":"db","local_bind_port":9191}]}}}},
             "services":[{"name":"a"}]}
            """, json);
    }

    [Fact]
    public void Parse_LabelledBlocks_NestByLabelAndMerge()
    {
        var json = Agent("""
            service "web" { policy = "write" }
            service "db" { policy = "read" }
            key_prefix "a/" "b" { policy = "deny" }
            """);
        AssertJson("""{"service":{"web":{"policy":"write"},"db":{"policy":"read"}},"key_prefix":{"a/":{"b":{"policy":"deny"}}}}""", json);
    }

    [Fact]
    public void Parse_ConfigEntryKeys_FollowTheConfigEntryListKeys()
    {
        var json = HclDocument.Parse("""
            Kind = "service-intentions"
            Name = "db"
            Sources {
              Name   = "web"
              Action = "allow"
            }
            """, HclListKeys.ConfigEntry);
        AssertJson("""{"Kind":"service-intentions","Name":"db","Sources":[{"Name":"web","Action":"allow"}]}""", json);
    }

    [Theory]
    [InlineData("a = ", 1, 5, "expected a value")]
    [InlineData("a = \"open\nb = 1", 1, 5, "not terminated")]
    [InlineData("a {\n  b = 1\n", 3, 1, "opened at 1:3")]
    [InlineData("a = [1, 2\nb = 3", 2, 1, "expected ',' or ']'")]
    [InlineData("a = yes", 1, 5, "unknown value yes")]
    [InlineData("a = 1\na = 2", 2, 1, "more than once")]
    [InlineData("a 1", 1, 3, "expected '=' or '{'")]
    [InlineData("x = \"\\q\"", 1, 6, "invalid escape")]
    [InlineData("/* open", 1, 1, "comment not terminated")]
    [InlineData("r = <<EOF\nnever closed\n", 1, 5, "heredoc not terminated")]
    [InlineData("}", 1, 1, "unexpected '}'")]
    [InlineData("a = 1 @", 1, 7, "illegal character")]
    public void Parse_BadHcl_NamesLineAndColumn(string text, int line, int column, string detail)
    {
        var error = Assert.Throws<HclSyntaxException>(() => Agent(text));
        Assert.Equal(line, error.Line);
        Assert.Equal(column, error.Column);
        Assert.StartsWith($"At {line}:{column}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  {\"a\": 1}", true)]
    [InlineData("\uFEFF{}", true)]
    [InlineData("a = 1", false)]
    [InlineData("# {\n a = 1", false)]
    [InlineData("", false)]
    public void LooksLikeJson_TellsTheLanguagesApart(string text, bool json) => Assert.Equal(json, HclDocument.LooksLikeJson(text));
}
