using System.Text.Json;
using EdgeInference.Core.Inference;
using EdgeInference.Core.Json;
using EdgeInference.Core.Manifest;
using EdgeInference.Core.Results;
using EdgeInference.Worker.Greengrass;
using EdgeInference.Worker.Hosting;
using EdgeInference.Worker.Models;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Status;

/// <summary>Builds the describe reply: what this worker serves right now, model by model, and how it runs.</summary>
public sealed class DescribeService
{
    private readonly ModelCatalog _catalog;
    private readonly ModelManager _manager;
    private readonly WorkerState _state;
    private readonly WorkerOptions _worker;
    private readonly LimitsOptions _limits;
    private readonly IOptionsMonitor<ModelOptions> _modelOptions;
    private readonly IpcOptions _ipc;
    private readonly GreengrassOptions _greengrass;
    private readonly TopicOptions _topics;
    private readonly WorkerTransport _transport;
    private readonly AccountResolver _accounts;

    public DescribeService(
        ModelCatalog catalog,
        ModelManager manager,
        WorkerState state,
        IOptions<WorkerOptions> worker,
        IOptions<LimitsOptions> limits,
        IOptionsMonitor<ModelOptions> modelOptions,
        IOptions<IpcOptions> ipc,
        IOptions<GreengrassOptions> greengrass,
        IOptions<TopicOptions> topics,
        WorkerTransport transport,
        AccountResolver accounts)
    {
        _catalog = catalog;
        _manager = manager;
        _state = state;
        _worker = worker.Value;
        _limits = limits.Value;
        _modelOptions = modelOptions;
        _ipc = ipc.Value;
        _greengrass = greengrass.Value;
        _topics = topics.Value.Resolve(_worker.EffectiveThingName);
        _transport = transport;
        _accounts = accounts;
    }

    public DescribeReply Build(string? requestId)
    {
        var current = _catalog.ResolveDefault(out _, out _);
        var model = current?.Engine?.Model;
        var provider = model?.ExecutionProvider;
        var runtimeComponent = ComponentArns.FromArtifactsPath(_greengrass.ArtifactsPath);
        return new DescribeReply
        {
            RequestId = requestId,
            ModelPackagingDescription = model?.ModelPackagingDescription,
            Runtime = new RuntimeDescription
            {
                Status = _state.Current.Status,
                StatusMessage = _state.Current.StatusMessage,
                Version = WorkerVersion.Current,
                ThingName = _worker.EffectiveThingName,
                Transport = _transport.Name,
                IpcTarget = _transport.UsesIpc ? _ipc.Target.ToConfigName() : null,
                ComponentName = runtimeComponent?.Name,
                ComponentVersion = runtimeComponent?.Version,
                ComponentVersionArn = ComponentArns.Build(_greengrass.EffectiveRegion, _accounts.AccountIfKnown, runtimeComponent?.Name, runtimeComponent?.Version),
                ModelRepository = _manager.Repository?.Folder,
                ExecutionProvider = provider?.Active ?? "none",
                RequestedAccelerator = provider?.RequestedAccelerator ?? _modelOptions.CurrentValue.Accelerator.ToConfigName(),
                AvailableExecutionProviders = provider?.Available,
                FallbackReason = provider?.FallbackReason,
                ImageDecoder = model?.ImageDecoder,
                OnnxRuntime = model?.OnnxRuntime,
                OptimizedModelCache = provider?.OptimizedModelCache,
                IntraOpThreads = ModelSettings.EffectiveIntraOpThreads(_modelOptions.CurrentValue),
                Model = model is null ? null : Describe(model),
                Limits = new RuntimeLimits
                {
                    MaxPayloadBytes = _limits.MaxPayloadBytes,
                    MaxImagePixels = _limits.MaxImagePixels,
                    MaxConcurrentRequests = _limits.MaxConcurrentRequests,
                    MaxQueue = _limits.MaxQueue,
                    MaxConcurrentRuns = _limits.MaxConcurrentRuns,
                    EffectiveMaxConcurrentRuns = _limits.EffectiveMaxConcurrentRuns(provider?.Active ?? Onnx.Sessions.ExecutionProviders.Cpu, Environment.ProcessorCount),
                    MaxBatchSize = _limits.MaxBatchSize,
                    BatchDelayMilliseconds = _limits.BatchDelayMilliseconds,
                },
                Counters = _state.Counters,
            },
            Models = [.. _catalog.All.Select(m => Describe(m, ReferenceEquals(m, current)))],
            Registrations = [.. _manager.Registrations.Select(r => new ModelRegistrationDescription
            {
                Component = r.Component,
                ComponentVersion = r.ComponentVersion,
                ModelName = r.ModelName,
                Status = r.Status,
                StatusMessage = r.StatusMessage,
            })],
        };
    }

    public byte[] BuildJson(string? requestId) => JsonSerializer.SerializeToUtf8Bytes(Build(requestId), CoreJsonContext.Default.DescribeReply);

    private ServedModelDescription Describe(ServedModel served, bool isDefault)
    {
        var model = served.Engine?.Model;
        return new ServedModelDescription
        {
            Name = served.Name,
            Default = isDefault,
            Origin = served.Origin.ToString().ToLowerInvariant(),
            Status = served.State.ToString().ToUpperInvariant(),
            StatusMessage = served.StatusMessage,
            RequestTopic = _topics.ModelRequestTopic(served.Name),
            ResultTopic = _topics.ModelResultTopic(served.Name),
            Provenance = served.Provenance,
            ExecutionProvider = model?.ExecutionProvider.Active,
            RequestedAccelerator = model?.ExecutionProvider.RequestedAccelerator,
            FallbackReason = model?.ExecutionProvider.FallbackReason,
            ImageDecoder = model?.ImageDecoder,
            Model = model is null ? null : Describe(model),
            ModelPackagingDescription = model?.ModelPackagingDescription,
        };
    }

    private static RuntimeModelDescription Describe(LoadedModelInfo model) => new()
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
    };
}
