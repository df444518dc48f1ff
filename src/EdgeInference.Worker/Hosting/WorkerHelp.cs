namespace EdgeInference.Worker.Hosting;

/// <summary>What <c>--help</c> prints.</summary>
internal static class WorkerHelp
{
    public const string Text = """
        EdgeInference.Worker — serves ONNX vision models over MQTT 5 or Greengrass IPC.

        Usage:
          EdgeInference.Worker [--Section:Key=value ...]     run the worker (configuration keys below)
          EdgeInference.Worker models register|unregister|list ...   model components register their models
          EdgeInference.Worker --help | --version

        Configuration comes from appsettings.json, environment variables (Model__Path=… or EDGEINFERENCE_Model__Path=…),
        the Greengrass component configuration (under Greengrass), then the command line, which wins. Keys:
          Model:Path                package folder or .zip (empty: the bundled ResNet18 sample, until a model component registers)
          Model:Accelerator         auto | gpu | cpu
          Model:IntraOpThreads, Model:GraphOptimization (all|extended|basic), Model:OptimizedModelCache, Model:AllowSpinning,
          Model:UseTensorRt, Model:TensorRtCachePath, Model:GpuDeviceId
          Model:ImageDecoder        auto | opencv | vips   (auto: OpenCV where its runtime loads, else libvips)
          Model:OnnxRuntimeLibrary  a libonnxruntime.so to use instead of the bundled one (NVIDIA's JetPack build on Jetson)
          Models:Repository         folder model components register in; Models:Default, Models:RescanSeconds
          Mqtt:Host (empty: embedded broker), Mqtt:Port, Mqtt:EmbeddedBindAddress, Mqtt:ClientId, Mqtt:Username, Mqtt:Password,
          Mqtt:Tls:Enabled|CaFile|CertFile|KeyFile, Mqtt:SharedGroup, Mqtt:KeepAliveSeconds, Mqtt:BufferSize
          Topics:Request|Result|ModelRequest|ModelResult|Describe|Status   ({ThingName}, {ModelName} are replaced)
          Limits:MaxPayloadBytes|MaxImagePixels|MaxConcurrentRequests|MaxQueue
          Limits:MaxConcurrentRuns|MaxBatchSize|BatchDelayMilliseconds   (runs at once, dynamic batching; MaxBatchSize 0: GPU only)
          Metrics:IntervalSeconds|Topic|CloudWatchTopic|CloudWatchNamespace   (0: no metrics; live view: edge-inference top)
          Transport                 auto | ipc | mqtt;   Ipc:Target  local | iotcore | both
          ThingName, Greengrass:AccountId|Region|ArtifactsPath|StsEndpoint, GreengrassIpc:SocketPath|AuthToken
          ModelPackagingDescription Lookout-shaped packaging metadata (overrides the manifest's)
        An unknown key under these sections is refused with the nearest valid name.

        Exit codes: 0 stopped cleanly, 1 startup failure, 2 invalid configuration, 3 unusable model package, 4 accelerator unavailable.
        See README.md for the request/result contract.

        """;
}
