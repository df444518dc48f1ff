using System.Text.Json;
using EdgeInference.Core.Json;
using EdgeInference.Core.Packaging;
using EdgeInference.Core.Results;
using EdgeInference.Worker.Options;
using EdgeInference.Worker.Status;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace EdgeInference.Worker.Models;

/// <summary>
/// Applies a changed configuration to the served model: when <c>Model:*</c> or <c>ModelPackagingDescription</c>
/// changed, the new package is loaded and warmed beside the current one and swapped in; requests keep being served
/// throughout. A package that cannot be served leaves the current model serving; the status (still RUNNING) says why.
/// </summary>
public sealed class ModelReloader
{
    private readonly ModelHost _models;
    private readonly WorkerState _state;
    private readonly ILogger<ModelReloader> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public ModelReloader(ModelHost models, WorkerState state, ILogger<ModelReloader> logger)
    {
        _models = models;
        _state = state;
        _logger = logger;
    }

    /// <summary>Reloads the model if the configuration now asks for a different one; true when a new model was swapped in.</summary>
    public async Task<bool> ApplyAsync(IConfiguration configuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ModelOptions options;
            ModelPackagingDescription? packaging;
            try
            {
                options = new ModelOptions();
                configuration.GetSection(ModelOptions.SectionName).Bind(options);
                packaging = new PackagingDescriptionSource(configuration).Description;
            }
            catch (InvalidOperationException ex)
            {
                await ReportFailureAsync(_models.Options.EffectivePath, ex.Message, cancellationToken).ConfigureAwait(false);
                return false;
            }

            if (!Differs(options, packaging))
            {
                return false;
            }

            var validation = new ModelOptionsValidator().Validate(null, options);
            if (validation.Failed)
            {
                await ReportFailureAsync(options.EffectivePath, validation.FailureMessage, cancellationToken).ConfigureAwait(false);
                return false;
            }

            WorkerLog.ModelSwapStarted(_logger, _models.Options.EffectivePath, options.EffectivePath);
            try
            {
                await Task.Run(() => _models.Swap(options, packaging), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                await ReportFailureAsync(options.EffectivePath, ex.Message, cancellationToken).ConfigureAwait(false);
                return false;
            }

            var model = _models.Engine!.Model;
            WorkerLog.ModelSwapped(_logger, model.Name, model.Sha256, model.PackagePath);
            await _state.ReportAsync(
                _state.Current with
                {
                    StatusMessage = $"Model swapped to {model.Name} ({model.PackagePath}) after a configuration update.",
                    ExecutionProvider = model.ExecutionProvider.Active,
                    FallbackReason = model.ExecutionProvider.FallbackReason,
                    Model = model.ToProvenance(),
                },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool Differs(ModelOptions options, ModelPackagingDescription? packaging)
    {
        var current = _models.Options;
        return !string.Equals(current.EffectivePath, options.EffectivePath, StringComparison.Ordinal)
            || !string.Equals(current.Accelerator, options.Accelerator, StringComparison.OrdinalIgnoreCase)
            || current.IntraOpThreads != options.IntraOpThreads
            || current.AllowSpinning != options.AllowSpinning
            || !string.Equals(current.GraphOptimization, options.GraphOptimization, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(current.EffectiveOptimizedModelCache, options.EffectiveOptimizedModelCache, StringComparison.Ordinal)
            || current.UseTensorRt != options.UseTensorRt
            || !string.Equals(current.TensorRtCachePath ?? string.Empty, options.TensorRtCachePath ?? string.Empty, StringComparison.Ordinal)
            || current.GpuDeviceId != options.GpuDeviceId
            || !string.Equals(Json(_models.PackagingOverride), Json(packaging), StringComparison.Ordinal);
    }

    private static string Json(ModelPackagingDescription? description) =>
        description is null ? string.Empty : JsonSerializer.Serialize(description, CoreJsonContext.Default.ModelPackagingDescription);

    private Task ReportFailureAsync(string path, string reason, CancellationToken cancellationToken)
    {
        WorkerLog.ModelSwapFailed(_logger, path, reason);
        return _state.ReportAsync(
            _state.Current with { StatusMessage = $"Model update to '{path}' failed; still serving the previous model: {reason}" },
            cancellationToken);
    }
}
