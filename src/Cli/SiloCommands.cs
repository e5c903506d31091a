using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;

namespace Silo.Cli;

/// <summary>
/// The <c>silo</c> commands. Every command takes <c>--url</c> (or <c>SILO_URL</c>, default
/// http://127.0.0.1:8080) and <c>--token</c> (or <c>SILO_ADMIN</c>, the admin token), and prints a table or,
/// with <c>-o json</c>, the gateway's JSON. Exit codes: <see cref="ExitCodes"/>.
/// </summary>
public static class SiloCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var url = new Option<string>("--url")
        {
            Description = "The gateway's base URL (SILO_URL)",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SILO_URL") is { Length: > 0 } u ? u : "http://127.0.0.1:8080",
        };
        // Secrets have no default value: help would print it. They are read from the environment when not given.
        var token = new Option<string?>("--token") { Description = "The admin token (else SILO_ADMIN)", Recursive = true };
        var output = new Option<string>("--output", "-o") { Description = "table or json", Recursive = true, DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json");

        var context = new Context(url, token, output, stdout, stderr, handler);
        var root = new RootCommand("Silo gateway command-line tool")
        {
            ConfigCommand(context),
            ListGetCommand(context, "tenants", "/admin/tenants"),
            KeysCommand(context),
            ListGetCommand(context, "services", "/admin/services"),
            CheckCommand(context),
        };
        root.Options.Add(url);
        root.Options.Add(token);
        root.Options.Add(output);

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync("error: " + error.Message).ConfigureAwait(false);
            }

            await stderr.WriteLineAsync("Try 'silo --help'.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }).ConfigureAwait(false);
    }

    private static Command ConfigCommand(Context c)
    {
        var file = new Option<string>("--file", "-f") { Description = "The document (YAML, or JSON when the name ends in .json)", Required = true };
        var exportFile = new Option<string?>("--file", "-f") { Description = "Write the document here instead of stdout" };
        var format = new Option<string>("--format") { Description = "yaml or json", DefaultValueFactory = _ => "yaml" };
        format.AcceptOnlyFromAmong("yaml", "json");
        var detailed = new Option<bool>("--detailed-exit-code") { Description = $"Exit {ExitCodes.Changes} when the document would change something" };
        var prune = new Option<bool>("--prune") { Description = "Also delete the tenants and services the document lacks, and revoke its tenants' keys it lacks" };

        var export = new Command("export", "Write the live tenants, keys (never a secret) and services as one document") { exportFile, format };
        export.SetAction((p, ct) => c.RunAsync(p, async client =>
        {
            var answer = await client.SendAsync(HttpMethod.Get, $"/admin/config?format={p.GetValue(format)}", cancellationToken: ct).ConfigureAwait(false);
            if (!answer.IsSuccess)
            {
                return await c.ProblemAsync(answer).ConfigureAwait(false);
            }

            if (p.GetValue(exportFile) is { } path)
            {
                await File.WriteAllTextAsync(path, answer.Body, ct).ConfigureAwait(false);
            }
            else
            {
                await c.Out.WriteAsync(answer.Body).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));

        var diff = new Command("diff", "Show what applying the document would create or update, field by field; changes nothing") { file, detailed, prune };
        diff.SetAction((p, ct) => c.RunAsync(p, client => PlanAsync(c, p, client, Path("/admin/config/diff", p.GetValue(prune)), p.GetValue(file)!, p.GetValue(detailed), ct)));
        var apply = new Command("apply", "Create and update what the document says; prints the secret of each key it creates, once") { file, prune };
        apply.SetAction((p, ct) => c.RunAsync(p, client => PlanAsync(c, p, client, Path("/admin/config/apply", p.GetValue(prune)), p.GetValue(file)!, detailedExitCode: false, ct)));
        return new Command("config", "Declarative configuration: export, diff, apply") { export, diff, apply };

        static string Path(string path, bool prune) => prune ? path + "?prune=true" : path;
    }

    private static async Task<int> PlanAsync(Context c, ParseResult p, GatewayClient client, string path, string file, bool detailedExitCode, CancellationToken ct)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(file, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await c.Error.WriteLineAsync($"error: cannot read {file}: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        using var content = GatewayClient.Document(file, text);
        var answer = await client.SendAsync(HttpMethod.Post, path, content, cancellationToken: ct).ConfigureAwait(false);
        if (!answer.IsSuccess)
        {
            return await c.ProblemAsync(answer).ConfigureAwait(false);
        }

        var plan = answer.Json();
        if (c.Json(p))
        {
            await c.Out.WriteLineAsync(JsonSerializer.Serialize(plan, Indented)).ConfigureAwait(false);
        }
        else
        {
            await WritePlanAsync(c.Out, plan, applied: path.Contains("/apply", StringComparison.Ordinal)).ConfigureAwait(false);
        }

        return detailedExitCode && plan.GetProperty("changed").GetBoolean() ? ExitCodes.Changes : ExitCodes.Ok;
    }

    private static async Task WritePlanAsync(TextWriter o, JsonElement plan, bool applied)
    {
        var creates = 0;
        var updates = 0;
        var removals = 0;
        foreach (var change in plan.GetProperty("changes").EnumerateArray())
        {
            var action = change.GetProperty("action").GetString();
            var create = action == "create";
            var removal = action is "delete" or "revoke";
            creates += create ? 1 : 0;
            updates += create || removal ? 0 : 1;
            removals += removal ? 1 : 0;
            var mark = create ? "+" : removal ? $"- ({action})" : "~";
            await o.WriteLineAsync($"{mark} {change.GetProperty("kind").GetString()} {change.GetProperty("id").GetString()}").ConfigureAwait(false);
            foreach (var field in change.GetProperty("fields").EnumerateArray())
            {
                var name = field.GetProperty("field").GetString();
                var to = field.TryGetProperty("to", out var t) ? t.GetRawText() : "(none)";
                await o.WriteLineAsync(create ? $"    {name}: {to}" : $"    {name}: {(field.TryGetProperty("from", out var f) ? f.GetRawText() : "(none)")} -> {to}").ConfigureAwait(false);
            }
        }

        var removed = removals > 0 ? applied ? $", {removals} deleted or revoked" : $", {removals} to delete or revoke" : "";
        await o.WriteLineAsync(applied
            ? $"{creates} created, {updates} updated{removed}, {plan.GetProperty("unchanged").GetInt32()} unchanged"
            : $"{creates} to create, {updates} to update{removed}, {plan.GetProperty("unchanged").GetInt32()} unchanged").ConfigureAwait(false);
        await WriteCreatedKeysAsync(o, plan).ConfigureAwait(false);
    }

    /// <summary>The full key of each key an apply created (in its answer, or its problem when it stopped part way).</summary>
    private static async Task WriteCreatedKeysAsync(TextWriter o, JsonElement answer)
    {
        if (answer.TryGetProperty("createdKeys", out var keys) && keys.ValueKind == JsonValueKind.Array)
        {
            foreach (var key in keys.EnumerateArray())
            {
                await o.WriteLineAsync($"key {key.GetProperty("tenantId").GetString()}/{key.GetProperty("name").GetString()} ({key.GetProperty("id").GetString()}): {key.GetProperty("key").GetString()}   (shown this once)").ConfigureAwait(false);
            }
        }
    }

    private static Command ListGetCommand(Context c, string name, string path)
    {
        var list = new Command("list", $"Every {name[..^1]} id, oldest first");
        list.SetAction((p, ct) => c.RunAsync(p, async client => await c.PrintAsync(p, await client.SendAsync(HttpMethod.Get, path, cancellationToken: ct).ConfigureAwait(false), idsTable: true).ConfigureAwait(false)));
        var id = new Argument<string>("id");
        var get = new Command("get", $"One {name[..^1]}, as JSON") { id };
        get.SetAction((p, ct) => c.RunAsync(p, async client => await c.PrintAsync(p, await client.SendAsync(HttpMethod.Get, $"{path}/{Uri.EscapeDataString(p.GetValue(id)!)}", cancellationToken: ct).ConfigureAwait(false)).ConfigureAwait(false)));
        return new Command(name, $"Read {name}") { list, get };
    }

    private static Command KeysCommand(Context c)
    {
        var id = new Argument<string>("id") { Description = "The key id (the part of the key between sk_ and the secret)" };
        var get = new Command("get", "A key: status, tenant, limits, usage (never the secret)") { id };
        get.SetAction((p, ct) => c.RunAsync(p, async client => await c.PrintAsync(p, await client.SendAsync(HttpMethod.Get, KeyPath(p, id), cancellationToken: ct).ConfigureAwait(false)).ConfigureAwait(false)));

        var grace = new Option<int?>("--grace-seconds") { Description = "How long the replaced secret stays valid (default: the gateway's, 1 hour)" };
        var rotate = new Command("rotate", "A new secret for the key; prints it, once") { id, grace };
        rotate.SetAction((p, ct) => c.RunAsync(p, async client =>
        {
            using var body = p.GetValue(grace) is { } seconds ? GatewayClient.Json(new { gracePeriodSeconds = seconds }) : null;
            var answer = await client.SendAsync(HttpMethod.Post, KeyPath(p, id) + "/rotate", body, cancellationToken: ct).ConfigureAwait(false);
            if (!answer.IsSuccess || c.Json(p))
            {
                return await c.PrintAsync(p, answer).ConfigureAwait(false);
            }

            await c.Out.WriteLineAsync(answer.Json().GetProperty("key").GetString() + "   (shown this once)").ConfigureAwait(false);
            return ExitCodes.Ok;
        }));

        var revoke = new Command("revoke", "Revoke the key on every front end") { id };
        revoke.SetAction((p, ct) => c.RunAsync(p, async client =>
        {
            var answer = await client.SendAsync(HttpMethod.Post, KeyPath(p, id) + "/revoke", cancellationToken: ct).ConfigureAwait(false);
            if (!answer.IsSuccess)
            {
                return await c.ProblemAsync(answer).ConfigureAwait(false);
            }

            await c.Out.WriteLineAsync($"revoked {p.GetValue(id)}").ConfigureAwait(false);
            return ExitCodes.Ok;
        }));

        var tenant = new Argument<string>("tenant");
        var name = new Option<string?>("--name") { Description = "The key's name" };
        var scopes = new Option<string[]>("--scope") { Description = "A service the key may call (repeat for more; none: every service)", AllowMultipleArgumentsPerToken = true };
        var create = new Command("create", "Create a key of a tenant (no limits of its own; give limits through `config apply`); prints it, once") { tenant, name, scopes };
        create.SetAction((p, ct) => c.RunAsync(p, async client =>
        {
            using var body = GatewayClient.Json(new { name = p.GetValue(name) ?? "default", scopes = p.GetValue(scopes) ?? [] });
            var answer = await client.SendAsync(HttpMethod.Post, $"/admin/tenants/{Uri.EscapeDataString(p.GetValue(tenant)!)}/keys", body, cancellationToken: ct).ConfigureAwait(false);
            if (!answer.IsSuccess || c.Json(p))
            {
                return await c.PrintAsync(p, answer).ConfigureAwait(false);
            }

            var key = answer.Json();
            await c.Out.WriteLineAsync($"{key.GetProperty("id").GetString()}: {key.GetProperty("key").GetString()}   (shown this once)").ConfigureAwait(false);
            return ExitCodes.Ok;
        }));

        return new Command("keys", "Read, create, rotate and revoke keys") { get, create, rotate, revoke };
    }

    private static string KeyPath(ParseResult p, Argument<string> id) => $"/admin/keys/{Uri.EscapeDataString(p.GetValue(id)!)}";

    private static Command CheckCommand(Context c)
    {
        var key = new Option<string?>("--key") { Description = "The API key (else SILO_KEY)" };
        var cost = new Option<long?>("--cost") { Description = "Units to spend (default 1)" };
        var service = new Option<string?>("--service") { Description = "The service the call is for (checked against the key's scopes)" };
        var check = new Command("check", $"May this key spend now? POST /v1/check; exit {ExitCodes.Ok} when admitted, {ExitCodes.Refused} when not") { key, cost, service };
        check.SetAction((p, ct) => c.RunAsync(p, async client =>
        {
            var apiKey = p.GetValue(key) ?? Environment.GetEnvironmentVariable("SILO_KEY");
            if (string.IsNullOrEmpty(apiKey))
            {
                await c.Error.WriteLineAsync("error: give --key or set SILO_KEY").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            using var body = GatewayClient.Json(new { cost = p.GetValue(cost) ?? 1, service = p.GetValue(service) });
            var answer = await client.SendAsync(HttpMethod.Post, "/v1/check", body, apiKey: apiKey, cancellationToken: ct).ConfigureAwait(false);
            if (answer.Status == 200 && !c.Json(p))
            {
                var r = answer.Json();
                await c.Out.WriteLineAsync($"allowed: {r.GetProperty("remaining")} of {r.GetProperty("limit")} left, reset in {r.GetProperty("resetSeconds")} s").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            return await c.PrintAsync(p, answer).ConfigureAwait(false);
        }));
        return check;
    }

    /// <summary>What every command needs: the global options, where to write, and how to reach the gateway.</summary>
    private sealed class Context(Option<string> url, Option<string?> token, Option<string> output, TextWriter stdout, TextWriter stderr, HttpMessageHandler? handler)
    {
        public TextWriter Out => stdout;

        public TextWriter Error => stderr;

        public bool Json(ParseResult p) => p.GetValue(output) == "json";

        /// <summary>Runs <paramref name="action"/> with a client for the chosen gateway; an unreachable gateway is exit code 3.</summary>
        public async Task<int> RunAsync(ParseResult p, Func<GatewayClient, Task<int>> action)
        {
            if (!Uri.TryCreate(p.GetValue(url), UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
            {
                await stderr.WriteLineAsync($"error: --url must be an http(s) URL, not '{p.GetValue(url)}'").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
            http.BaseAddress = baseAddress;
            http.Timeout = TimeSpan.FromSeconds(60);
            try
            {
                return await action(new GatewayClient(http, p.GetValue(token) ?? Environment.GetEnvironmentVariable("SILO_ADMIN"))).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                await stderr.WriteLineAsync($"error: cannot reach the gateway at {baseAddress}: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Unreachable;
            }
        }

        /// <summary>A successful answer to stdout (ids one per line as a table, else indented JSON); an error via <see cref="ProblemAsync"/>.</summary>
        public async Task<int> PrintAsync(ParseResult p, GatewayAnswer answer, bool idsTable = false)
        {
            if (!answer.IsSuccess)
            {
                return await ProblemAsync(answer).ConfigureAwait(false);
            }

            var json = answer.Json();
            if (idsTable && !Json(p))
            {
                foreach (var id in json.EnumerateArray())
                {
                    await stdout.WriteLineAsync(id.GetString()).ConfigureAwait(false);
                }
            }
            else
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(json, Indented)).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }

        /// <summary>The gateway's problem on stderr: status, title, detail and each field's error.</summary>
        public async Task<int> ProblemAsync(GatewayAnswer answer)
        {
            if (answer.MediaType is "application/problem+json" or "application/json" && TryParse(answer.Body) is { } problem)
            {
                var title = problem.TryGetProperty("title", out var t) ? t.GetString() : null;
                var detail = problem.TryGetProperty("detail", out var d) ? " " + d.GetString() : string.Empty;
                await stderr.WriteLineAsync($"error: {answer.Status} {title}{detail}").ConfigureAwait(false);
                if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                {
                    foreach (var field in errors.EnumerateObject())
                    {
                        await stderr.WriteLineAsync($"  {field.Name}: {field.Value}").ConfigureAwait(false);
                    }
                }

                await WriteCreatedKeysAsync(stdout, problem).ConfigureAwait(false);
            }
            else
            {
                await stderr.WriteLineAsync($"error: HTTP {answer.Status}").ConfigureAwait(false);
            }

            return ExitCodes.Refused;
        }

        private static JsonElement? TryParse(string body)
        {
            try
            {
                return JsonDocument.Parse(body).RootElement.Clone();
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
