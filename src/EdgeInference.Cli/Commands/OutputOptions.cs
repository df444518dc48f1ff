using System.CommandLine;
using EdgeInference.Aws.Output;

namespace EdgeInference.Cli.Commands;

/// <summary>
/// <c>--output json|yaml|text|table</c> and <c>--query JMESPATH</c>, shared by every command that prints a service-shaped reply.
/// </summary>
internal sealed class OutputOptions
{
    public Option<OutputFormat> Format { get; } = new("--output")
    {
        Description = "Output format, as the AWS CLI: json (default), yaml, text (tab-separated) or table (boxed).",
        DefaultValueFactory = _ => OutputFormat.Json,
        CustomParser = result => ParseFormat(result.Tokens.Count == 0 ? null : result.Tokens[0].Value, result),
    };

    public Option<string?> Query { get; } = new("--query")
    {
        Description = "A JMESPath query applied to the reply before it is printed (as the AWS CLI's --query).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Format);
        command.Options.Add(Query);
    }

    public OutputSettings Read(ParseResult parseResult) =>
        new(parseResult.GetValue(Format), parseResult.GetValue(Query));

    private static OutputFormat ParseFormat(string? text, System.CommandLine.Parsing.ArgumentResult result)
    {
        switch (text?.ToLowerInvariant())
        {
            case null or "json":
                return OutputFormat.Json;
            case "yaml":
                return OutputFormat.Yaml;
            case "text":
                return OutputFormat.Text;
            case "table":
                return OutputFormat.Table;
            default:
                result.AddError($"--output must be one of json, yaml, text, table (got '{text}').");
                return OutputFormat.Json;
        }
    }
}
