namespace Mesh.Ui;

/// <summary>How the agent serves the web UI (Consul's <c>ui_config</c>).</summary>
public sealed record UiOptions
{
    /// <summary>The path the UI is served under, with its slashes (Consul's <c>ui_config.content_path</c>, "/ui/").</summary>
    public string ContentPath { get; init; } = "/ui/";

    /// <summary>Whether <c>/</c> redirects to the UI (Consul does whenever the UI is on).</summary>
    public bool RedirectRoot { get; init; } = true;
}
