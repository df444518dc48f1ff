using System.Text.Json.Nodes;

namespace EdgeInference.Testing;

/// <summary>What a command-line run left: exit code, standard output and standard error.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonNode Json => JsonNode.Parse(Stdout) ?? throw new InvalidOperationException("null output");
}
