using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Ui.Tests.Browser;

/// <summary>
/// One headless Chromium page, driven through Browser/driver.mjs (playwright-core) one command at a time: the
/// test keeps the scenario in C#, with real servers it starts, changes and stops between browser steps.
/// </summary>
internal sealed class BrowserSession : IAsyncDisposable
{
    private readonly Process _process;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly System.Text.StringBuilder _stderr = new();

    private BrowserSession(Process process) => _process = process;

    public static BrowserSession Start()
    {
        var start = new ProcessStartInfo(BrowserEnvironment.Node!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(BrowserEnvironment.Driver);
        start.ArgumentList.Add(BrowserEnvironment.PlaywrightModules);
        start.ArgumentList.Add(BrowserEnvironment.Chromium!);
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var session = new BrowserSession(process);
        process.ErrorDataReceived += (_, e) => { lock (session._stderr) { session._stderr.AppendLine(e.Data); } };
        process.BeginErrorReadLine();
        return session;
    }

    /// <summary>Runs one driver command; a failed one throws with the driver's message.</summary>
    public async Task<JsonNode?> RunAsync(string op, object? arguments = null, TimeSpan? timeout = null)
    {
        var command = arguments is null ? new JsonObject() : JsonSerializer.SerializeToNode(arguments)!.AsObject();
        command["op"] = op;
        await _turn.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(command.ToJsonString());
            await _process.StandardInput.FlushAsync();
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
            var line = await _process.StandardOutput.ReadLineAsync(cts.Token);
            if (line is null)
            {
                string stderr;
                lock (_stderr)
                {
                    stderr = _stderr.ToString();
                }

                throw new InvalidOperationException($"the browser driver ended during {op}: {stderr}");
            }

            var answer = JsonNode.Parse(line)!.AsObject();
            return answer["ok"]!.GetValue<bool>()
                ? answer["value"]
                : throw new BrowserCommandException($"{op} {command.ToJsonString()} failed: {answer["error"]}");
        }
        finally
        {
            _turn.Release();
        }
    }

    public Task GotoAsync(Uri url) => RunAsync("goto", new { url = url.ToString() });

    public Task HashAsync(string hash) => RunAsync("hash", new { hash });

    public Task ClickAsync(string selector) => RunAsync("click", new { selector });

    public Task FillAsync(string selector, string value) => RunAsync("fill", new { selector, value });

    public Task SelectAsync(string selector, string value) => RunAsync("select", new { selector, value });

    public Task PressAsync(string key) => RunAsync("press", new { key });

    public Task ViewportAsync(int width, int height) => RunAsync("viewport", new { width, height });

    /// <summary>Waits until an element matching the selector (containing the text, if given) is visible.</summary>
    public Task WaitForAsync(string selector, string? text = null, int timeoutMs = 15000)
        => RunAsync("waitFor", new { selector, text, timeout = timeoutMs });

    public Task WaitHiddenAsync(string selector, int timeoutMs = 15000) => RunAsync("waitHidden", new { selector, timeout = timeoutMs });

    public async Task<string> TextAsync(string selector) => (await RunAsync("text", new { selector }))!.GetValue<string>();

    public async Task<int> CountAsync(string selector) => (await RunAsync("count", new { selector }))!.GetValue<int>();

    public async Task<int> VisibleCountAsync(string selector) => (await RunAsync("visibleCount", new { selector }))!.GetValue<int>();

    public Task<JsonNode?> EvaluateAsync(string expression) => RunAsync("evaluate", new { expression });

    public Task ScreenshotAsync(string file, bool fullPage = false) => RunAsync("screenshot", new { file, fullPage });

    /// <summary>Script errors the page raised (uncaught exceptions and console errors).</summary>
    public async Task<IReadOnlyList<string>> ErrorsAsync()
        => [.. (await RunAsync("errors"))!.AsArray().Select(e => e!.GetValue<string>())];

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await RunAsync("close", timeout: TimeSpan.FromSeconds(20));
                await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            }
        }
        catch (Exception error) when (error is BrowserCommandException or InvalidOperationException or OperationCanceledException or IOException)
        {
        }
        finally
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
            _turn.Dispose();
        }
    }
}

internal sealed class BrowserCommandException(string message) : Exception(message);
