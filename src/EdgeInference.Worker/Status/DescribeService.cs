using System.Reflection;
using System.Text.Json;
using EdgeInference.Core.Json;
using EdgeInference.Core.Manifest;
using EdgeInference.Core.Results;
using EdgeInference.Worker.Models;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Status;

/// <summary>Builds the describe reply: the packaging description and what this worker is running, right now.</summary>
public sealed class DescribeService
{
    public static readonly string WorkerVersion =
        typeof(DescribeService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private readonly ModelHost _models;
    private readonly WorkerState _state;
    private readonly WorkerOptions _worker;
    private readonly LimitsOptions _limits;
    private readonly PackagingDescriptionSource _packaging;

    public DescribeService(ModelHost models, WorkerState state, IOptions<WorkerOptions> worker, IOptions<LimitsOptions> limits, PackagingDescriptionSource packaging)
    {
        _models = models;
        _state = state;
        _worker = worker.Value;
        _limits = limits.Value;
        _packaging = packaging;
    }

    /// <summary>The transport serving requests, once a head has said.</summary>
    public string? Transport { get; set; }

    public DescribeReply Build(string? requestId)
    {
        var model = _models.Engine?.Model;
        var provider = model?.ExecutionProvider;
        return new DescribeReply
        {
            RequestId = requestId,
            ModelPackagingDescription = model?.ModelPackagingDescription ?? _models.PackagingOverride ?? _packaging.Description,
            Runtime = new RuntimeDescription
            {
                Status = _state.Current.Status,
                StatusMessage = _state.Current.StatusMessage,
                Version = WorkerVersion,
                ThingName = _worker.EffectiveThingName,
                Transport = Transport,
                ExecutionProvider = provider?.Active ?? "none",
                RequestedAccelerator = provider?.RequestedAccelerator ?? _models.Options.Accelerator,
                AvailableExecutionProviders = provider?.Available,
                FallbackReason = provider?.FallbackReason,
                OptimizedModelCache = provider?.OptimizedModelCache,
                IntraOpThreads = _models.EffectiveIntraOpThreads,
                Model = model is null ? null : new RuntimeModelDescription
                {
                    Name = model.Name,
                    Task = model.Task.ToJsonName(),
                    Sha256 = model.Sha256,
                    PackagePath = model.PackagePath,
                    Inputs = model.Inputs,
                    Outputs = model.Outputs,
                    OnnxMetadata = model.OnnxMetadata,
                    LoadMs = Math.Round(model.LoadMs, 1),
                    WarmupMs = Math.Round(model.WarmupMs, 1),
                },
                Limits = new RuntimeLimits
                {
                    MaxPayloadBytes = _limits.MaxPayloadBytes,
                    MaxImagePixels = _limits.MaxImagePixels,
                    MaxConcurrentRequests = _limits.MaxConcurrentRequests,
                    MaxQueue = _limits.MaxQueue,
                },
                Counters = _state.Counters,
            },
        };
    }

    public byte[] BuildJson(string? requestId) => JsonSerializer.SerializeToUtf8Bytes(Build(requestId), CoreJsonContext.Default.DescribeReply);
}
