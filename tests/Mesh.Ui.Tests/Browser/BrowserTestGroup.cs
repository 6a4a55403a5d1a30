namespace Mesh.Ui.Tests.Browser;

/// <summary>The browser tests run one at a time: each starts a server and a Chromium on a 2-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserTestGroup
{
    public const string Name = "browser";
}
