using EdgeInference.Core.Inference;
using EdgeInference.Onnx.Packages;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace EdgeInference.Onnx.Sessions;

/// <summary>
/// Creates the ORT session on the accelerator asked for. <c>auto</c> tries CUDA (TensorRT first when
/// configured) and falls back to CPU with the reason recorded; <c>gpu</c> fails instead; <c>cpu</c> never tries.
/// A build whose ONNX Runtime has no CUDA provider (the CPU build) does not try: its reason says so plainly. (ORT's CPU
/// package would throw <see cref="EntryPointNotFoundException"/> if CUDA were appended.) A GPU package throws <see cref="OnnxRuntimeException"/> when the CUDA libraries or device are missing, so every
/// non-fatal exception of the attempt is caught and reported, never swallowed.
/// </summary>
public static class SessionFactory
{
    /// <summary>ORT's status codes for a bad model, as <c>NativeApiStatus</c> prefixes them (the enum itself is internal).</summary>
    private static readonly string[] ModelErrorCodes = ["[ErrorCode:InvalidProtobuf]", "[ErrorCode:InvalidGraph]", "[ErrorCode:NoModel]", "[ErrorCode:NoSuchFile]"];

    public static (InferenceSession Session, ExecutionProviderInfo Provider) Create(ModelPackage package, ModelLoadOptions options, ILogger logger)
    {
        var available = OrtEnv.Instance().GetAvailableProviders();
        var requested = options.Accelerator.ToString().ToLowerInvariant();
        if (options.Accelerator == Accelerator.Cpu)
        {
            var (cpuSession, cacheNote) = CreateCpu(package, options, logger);
            return (cpuSession, Info(requested, ExecutionProviders.Cpu, available, null) with { OptimizedModelCache = cacheNote });
        }

        if (!available.Contains(ExecutionProviders.Cuda))
        {
            // The CPU build: nothing to try, nothing went wrong. Said plainly (no exception text from probing a provider
            // that is not there); the worker says it once at RUNNING, describe and the status carry it as FallbackReason.
            var plain = $"CUDA is unavailable: this build has no CUDA provider (its ONNX Runtime offers {string.Join(", ", available)})";
            if (options.Accelerator == Accelerator.Gpu)
            {
                throw new AcceleratorUnavailableException($"Model:Accelerator is 'gpu' but {plain}. {GpuRemedy.For(available)}");
            }

            var (cpuOnly, cpuOnlyCacheNote) = CreateCpu(package, options, logger);
            return (cpuOnly, Info(requested, ExecutionProviders.Cpu, available, plain) with { OptimizedModelCache = cpuOnlyCacheNote });
        }

        SessionOptions? gpuOptions = null;
        try
        {
            gpuOptions = CreateBaseOptions(options);
            var active = AppendGpuProviders(gpuOptions, options);
            var session = Open(package, gpuOptions);
            OnnxLog.GpuSessionCreated(logger, active, options.GpuDeviceId);
            return (session, Info(requested, active, available, null));
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or StackOverflowException or AccessViolationException) && !IsModelProblem(ex))
        {
            var reason = $"CUDA is unavailable: {ex.GetType().Name}: {FirstLine(ex.Message)} (providers in this ONNX Runtime build: {string.Join(", ", available)})";
            if (options.Accelerator == Accelerator.Gpu)
            {
                throw new AcceleratorUnavailableException($"Model:Accelerator is 'gpu' but {reason}. {GpuRemedy.For(available)}", ex);
            }

            OnnxLog.GpuFallback(logger, reason);
            var (cpuSession, cacheNote) = CreateCpu(package, options, logger);
            return (cpuSession, Info(requested, ExecutionProviders.Cpu, available, reason) with { OptimizedModelCache = cacheNote });
        }
        finally
        {
            gpuOptions?.Dispose();
        }
    }

    /// <summary>A broken model fails on any provider: it must surface as itself, not as "CUDA is unavailable".</summary>
    private static bool IsModelProblem(Exception ex) =>
        ex is OnnxRuntimeException && ModelErrorCodes.Any(code => ex.Message.StartsWith(code, StringComparison.Ordinal));


    private static string AppendGpuProviders(SessionOptions sessionOptions, ModelLoadOptions options)
    {
        if (options.UseTensorRt)
        {
            using var trt = new OrtTensorRTProviderOptions();
            var settings = new Dictionary<string, string> { ["device_id"] = options.GpuDeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            if (!string.IsNullOrEmpty(options.TensorRtCachePath))
            {
                Directory.CreateDirectory(options.TensorRtCachePath);
                settings["trt_engine_cache_enable"] = "1";
                settings["trt_engine_cache_path"] = options.TensorRtCachePath;
            }

            trt.UpdateOptions(settings);
            sessionOptions.AppendExecutionProvider_Tensorrt(trt);
        }

        sessionOptions.AppendExecutionProvider_CUDA(options.GpuDeviceId);
        return options.UseTensorRt ? ExecutionProviders.TensorRt : ExecutionProviders.Cuda;
    }

    /// <summary>The CPU session, through the optimised-model cache when one is configured (see <see cref="OptimizedModelCache"/>).</summary>
    private static (InferenceSession Session, string? CacheNote) CreateCpu(ModelPackage package, ModelLoadOptions options, ILogger logger)
    {
        if (options.OptimizedModelCacheDirectory is not { Length: > 0 } directory || options.GraphOptimization == GraphOptimization.Basic)
        {
            using var plain = CreateBaseOptions(options);
            return (Open(package, plain), null);
        }

        var cachedPath = new OptimizedModelCache(directory).PathFor(package.ModelIdentity, options.GraphOptimization);
        if (File.Exists(cachedPath))
        {
            try
            {
                using var cachedOptions = CreateBaseOptions(options);
                cachedOptions.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
                var session = new InferenceSession(cachedPath, cachedOptions);
                OnnxLog.OptimizedModelLoaded(logger, cachedPath);
                return (session, "hit: " + cachedPath);
            }
            catch (OnnxRuntimeException ex)
            {
                OnnxLog.OptimizedModelUnusable(logger, cachedPath, ex.Message);
                OptimizedModelCache.TryDeleteEntry(cachedPath);
            }
        }

        using var sessionOptions = CreateBaseOptions(options);
        string? folder = null;
        try
        {
            Directory.CreateDirectory(directory);
            folder = OptimizedModelCache.SaveInto(cachedPath, sessionOptions);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            OnnxLog.OptimizedModelUnusable(logger, directory, ex.Message);
        }

        InferenceSession built;
        try
        {
            built = Open(package, sessionOptions);
        }
        catch
        {
            if (folder is not null)
            {
                OptimizedModelCache.TryDelete(folder);
            }

            throw;
        }

        if (folder is null)
        {
            return (built, null);
        }

        try
        {
            if (!OptimizedModelCache.Commit(folder, cachedPath))
            {
                return (built, null);
            }

            OnnxLog.OptimizedModelStored(logger, cachedPath);
            return (built, "stored: " + cachedPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            OnnxLog.OptimizedModelUnusable(logger, cachedPath, ex.Message);
            OptimizedModelCache.TryDelete(folder);
            return (built, null);
        }
    }

    private static InferenceSession Open(ModelPackage package, SessionOptions sessionOptions) =>
        package.ModelFilePath is { } file ? new InferenceSession(file, sessionOptions) : new InferenceSession(package.ModelBytes!, sessionOptions);

    private static SessionOptions CreateBaseOptions(ModelLoadOptions options)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = options.GraphOptimization switch
            {
                GraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                GraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            },
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            InterOpNumThreads = 1,
            IntraOpNumThreads = options.IntraOpThreads,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (!options.AllowSpinning)
        {
            // Idle intra-op threads sleep instead of spinning: on a small device the cores they would burn are the
            // ones decoding the next image and moving MQTT traffic.
            sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        }
        return sessionOptions;
    }

    private static ExecutionProviderInfo Info(string requested, string active, string[] available, string? reason) => new()
    {
        RequestedAccelerator = requested,
        Active = active,
        Available = available,
        FallbackReason = reason,
    };

    private static string FirstLine(string message)
    {
        var newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
