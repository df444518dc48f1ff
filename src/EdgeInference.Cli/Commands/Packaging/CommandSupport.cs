using System.CommandLine;
using System.Text.Json.Nodes;
using EdgeInference.Aws.Output;
using EdgeInference.Packaging;
using EdgeInference.Packaging.Store;

namespace EdgeInference.Cli.Commands.Packaging;

/// <summary>Options every packaging command shares, and the AWS-CLI-like way errors end a command.</summary>
internal static class CommandSupport
{
    /// <summary>The AWS CLI's exit code for an error the service returned.</summary>
    public const int ServiceErrorExitCode = 254;

    /// <summary>The AWS CLI's exit code for other failures.</summary>
    public const int GeneralErrorExitCode = 255;

    /// <summary>A job that ran and FAILED (its StatusMessage went to stderr).</summary>
    public const int JobFailedExitCode = 1;

    public static Option<string?> StoreOption() => new("--store")
    {
        Description = $"The store folder (default ${PackagingStore.EnvironmentVariable}, else ~/.edge-inference/store).",
    };

    public static Option<string> RequiredString(string name, string description) => new(name)
    {
        Description = description,
        Required = true,
    };

    public static PackagingStore OpenStore(ParseResult parseResult, Option<string?> storeOption) =>
        new(PackagingStore.ResolveRoot(parseResult.GetValue(storeOption)));

    public static void Print(ParseResult parseResult, JsonNode? reply, OutputSettings output, string operation) =>
        OutputWriter.Write(parseResult.InvocationConfiguration.Output, reply, output, operation);

    /// <summary>Runs a command body; service errors print like the AWS CLI (<c>An error occurred (Type) when calling the Op operation: …</c>).</summary>
    public static async Task<int> RunAsync(ParseResult parseResult, string operation, Func<Task<int>> body)
    {
        var error = parseResult.InvocationConfiguration.Error;
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (PackagingException ex)
        {
            await error.WriteLineAsync($"An error occurred ({ex.ErrorType}) when calling the {operation} operation: {ex.Message}").ConfigureAwait(false);
            return ServiceErrorExitCode;
        }
        catch (OutputQueryException ex)
        {
            await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return GeneralErrorExitCode;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"{operation} failed: {ex.Message}").ConfigureAwait(false);
            return GeneralErrorExitCode;
        }
    }
}
