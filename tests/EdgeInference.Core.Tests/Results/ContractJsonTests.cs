using System.Text.Json;
using EdgeInference.Core.Json;
using EdgeInference.Core.Packaging;
using EdgeInference.Core.Results;
using Xunit;

namespace EdgeInference.Core.Tests.Results;

/// <summary>The reply shapes users' scripts parse: exact field names, nothing extra, absent values omitted.</summary>
public sealed class ContractJsonTests
{
    private static readonly ModelProvenance Provenance = new()
    {
        ComponentName = "com.example.Model",
        ComponentVersion = "1.0.0",
        ComponentVersionArn = "arn:aws:greengrass:us-east-1:123456789012:components:com.example.Model:versions:1.0.0",
        ModelVersion = "4",
        Sha256 = new string('a', 64),
    };

    private static readonly InferenceTimings Timings = new() { DecodeMs = 1.5, PreprocessMs = 0.25, InferenceMs = 9.75, TotalMs = 11.5 };

    [Fact]
    public void InferenceResult_Anomaly_HasTheContractFieldNames()
    {
        var result = new InferenceResult
        {
            RequestId = "r-1",
            Model = Provenance,
            ExecutionProvider = "CPUExecutionProvider",
            DetectAnomalyResult = new DetectAnomalyResult
            {
                IsAnomalous = true,
                Confidence = 0.75f,
                AnomalyScore = 0.875f,
                AnomalyThreshold = 0.5f,
                Anomalies =
                [
                    new Anomaly { Name = "background", PixelAnomaly = new PixelAnomaly { TotalPercentageArea = 0.75f, Color = "#000000" } },
                    new Anomaly { Name = "anomaly", PixelAnomaly = new PixelAnomaly { TotalPercentageArea = 0.25f, Color = "#FF0000" } },
                ],
                AnomalyMask = "iVBORw0KGgo=",
            },
            Timings = Timings,
        };

        var node = JsonAssert.Parse(JsonSerializer.Serialize(result, CoreJsonContext.Default.InferenceResult));

        JsonAssert.HasExactly(node, "RequestId", "Model", "ExecutionProvider", "DetectAnomalyResult", "Timings");
        JsonAssert.HasExactly(node["Model"], "ComponentName", "ComponentVersion", "ComponentVersionArn", "ModelVersion", "Sha256");
        JsonAssert.HasExactly(node["Timings"], "QueueMs", "DecodeMs", "PreprocessMs", "InferenceMs", "TotalMs", "BatchSize");
        var detect = node["DetectAnomalyResult"];
        JsonAssert.HasExactly(detect, "IsAnomalous", "Confidence", "AnomalyScore", "AnomalyThreshold", "Anomalies", "AnomalyMask");
        JsonAssert.HasExactly(detect!["Anomalies"]![0], "Name", "PixelAnomaly");
        JsonAssert.HasExactly(detect["Anomalies"]![0]!["PixelAnomaly"], "TotalPercentageArea", "Color");
        Assert.True(detect["IsAnomalous"]!.GetValue<bool>());
        Assert.Equal(0.875f, detect["AnomalyScore"]!.GetValue<float>());
        Assert.Equal("#FF0000", detect["Anomalies"]![1]!["PixelAnomaly"]!["Color"]!.GetValue<string>());
        Assert.Equal(9.75, node["Timings"]!["InferenceMs"]!.GetValue<double>());
    }

    [Fact]
    public void InferenceResult_ClassificationWithoutOptionalFields_OmitsThem()
    {
        var result = new InferenceResult
        {
            Model = new ModelProvenance { Sha256 = "abc" },
            ExecutionProvider = "CPUExecutionProvider",
            Classifications = [new Classification { Label = "red", Confidence = 0.5f }, new Classification { Label = "blue", Confidence = 0.25f }],
            Timings = Timings,
        };

        var node = JsonAssert.Parse(JsonSerializer.Serialize(result, CoreJsonContext.Default.InferenceResult));

        JsonAssert.HasExactly(node, "Model", "ExecutionProvider", "Classifications", "Timings");
        // ComponentVersionArn is always written, null when unknown (scripts test for null, not for absence).
        JsonAssert.HasExactly(node["Model"], "ComponentVersionArn", "Sha256");
        Assert.Null(node["Model"]!["ComponentVersionArn"]);
        JsonAssert.HasExactly(node["Classifications"]![0], "Label", "Confidence");
        Assert.Equal("blue", node["Classifications"]![1]!["Label"]!.GetValue<string>());
    }

    [Fact]
    public void InferenceResult_AnomalyWithoutMap_OmitsAnomaliesAndMask()
    {
        var result = new InferenceResult
        {
            Model = Provenance,
            ExecutionProvider = "CPUExecutionProvider",
            DetectAnomalyResult = new DetectAnomalyResult { IsAnomalous = false, Confidence = 1f, AnomalyScore = 0f, AnomalyThreshold = 0.5f },
            Timings = Timings,
        };

        var node = JsonAssert.Parse(JsonSerializer.Serialize(result, CoreJsonContext.Default.InferenceResult));

        JsonAssert.HasExactly(node["DetectAnomalyResult"], "IsAnomalous", "Confidence", "AnomalyScore", "AnomalyThreshold");
        Assert.False(node["DetectAnomalyResult"]!["IsAnomalous"]!.GetValue<bool>());
    }

    [Fact]
    public void InferenceResult_Embedding_IsAJsonNumberArrayAndRoundTrips()
    {
        var result = new InferenceResult
        {
            Model = Provenance,
            ExecutionProvider = "CUDAExecutionProvider",
            Embedding = [0.5f, -1.25f, 3f],
            Timings = Timings,
        };

        var json = JsonSerializer.Serialize(result, CoreJsonContext.Default.InferenceResult);
        var node = JsonAssert.Parse(json);
        var back = JsonSerializer.Deserialize(json, CoreJsonContext.Default.InferenceResult)!;

        JsonAssert.HasExactly(node, "Model", "ExecutionProvider", "Embedding", "Timings");
        Assert.Equal("[0.5,-1.25,3]", node["Embedding"]!.ToJsonString());
        Assert.Equal(result.Embedding, back.Embedding);
        Assert.Equal(result.Model, back.Model);
        Assert.Equal(result.Timings, back.Timings);
    }

    [Fact]
    public void ErrorReply_HasRequestIdAndErrorCodeMessage()
    {
        var reply = new ErrorReply { RequestId = "r-9", Error = new ErrorDetail { Code = ErrorCodes.InvalidImage, Message = "The image is empty (0 bytes)." } };

        var json = JsonSerializer.Serialize(reply, CoreJsonContext.Default.ErrorReply);

        Assert.Equal("""{"RequestId":"r-9","Error":{"Code":"InvalidImage","Message":"The image is empty (0 bytes)."}}""", json);
    }

    [Fact]
    public void ErrorReply_WithoutRequestId_OmitsIt()
    {
        var reply = new ErrorReply { Error = new ErrorDetail { Code = ErrorCodes.InvalidRequest, Message = "m" } };

        var node = JsonAssert.Parse(JsonSerializer.Serialize(reply, CoreJsonContext.Default.ErrorReply));

        JsonAssert.HasExactly(node, "Error");
    }

    [Fact]
    public void ErrorCodes_AreTheContractStrings()
    {
        Assert.Equal(
            ["InvalidRequest", "InvalidImage", "PayloadTooLarge", "Busy", "ModelNotReady", "InternalError"],
            [ErrorCodes.InvalidRequest, ErrorCodes.InvalidImage, ErrorCodes.PayloadTooLarge, ErrorCodes.Busy, ErrorCodes.ModelNotReady, ErrorCodes.InternalError]);
    }

    [Fact]
    public void DescribeReply_CarriesLookoutDescriptionAndRuntime()
    {
        var reply = new DescribeReply
        {
            RequestId = "d-1",
            ModelPackagingDescription = new ModelPackagingDescription { JobName = "j", Status = ModelPackagingJobStatus.SUCCEEDED, CreationTimestamp = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000) },
            Runtime = new RuntimeDescription
            {
                Status = "RUNNING",
                Version = "1.2.3",
                ExecutionProvider = "CPUExecutionProvider",
                RequestedAccelerator = "auto",
                AvailableExecutionProviders = ["CPUExecutionProvider"],
                FallbackReason = "CUDA is unavailable",
                IntraOpThreads = 2,
                Limits = new RuntimeLimits { MaxPayloadBytes = 1, MaxImagePixels = 2, MaxConcurrentRequests = 3, MaxQueue = 4 },
                Counters = new RuntimeCounters { Served = 5, Failed = 6, Rejected = 7, InFlight = 8 },
            },
        };

        var node = JsonAssert.Parse(JsonSerializer.Serialize(reply, CoreJsonContext.Default.DescribeReply));

        JsonAssert.HasExactly(node, "RequestId", "ModelPackagingDescription", "Runtime");
        JsonAssert.HasExactly(node["ModelPackagingDescription"], "JobName", "Status", "CreationTimestamp");
        Assert.Equal("SUCCEEDED", node["ModelPackagingDescription"]!["Status"]!.GetValue<string>());
        Assert.Equal("1700000000", node["ModelPackagingDescription"]!["CreationTimestamp"]!.ToJsonString());
        JsonAssert.HasExactly(node["Runtime"], "Status", "Version", "ExecutionProvider", "RequestedAccelerator", "AvailableExecutionProviders", "FallbackReason", "IntraOpThreads", "Limits", "Counters");
        JsonAssert.HasExactly(node["Runtime"]!["Limits"], "MaxPayloadBytes", "MaxImagePixels", "MaxConcurrentRequests", "MaxQueue", "MaxConcurrentRuns", "EffectiveMaxConcurrentRuns", "MaxBatchSize", "BatchDelayMilliseconds");
        JsonAssert.HasExactly(node["Runtime"]!["Counters"], "Served", "Failed", "Rejected", "InFlight");
        Assert.Equal(8, node["Runtime"]!["Counters"]!["InFlight"]!.GetValue<int>());
    }

    [Fact]
    public void WorkerStatus_TimestampIsEpochSecondsAndNullsAreOmitted()
    {
        var status = new WorkerStatus
        {
            Status = WorkerStates.Running,
            ExecutionProvider = "CPUExecutionProvider",
            Model = new ModelProvenance { Sha256 = "s" },
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_250),
        };

        var json = JsonSerializer.Serialize(status, CoreJsonContext.Default.WorkerStatus);

        Assert.Equal("""{"Status":"RUNNING","ExecutionProvider":"CPUExecutionProvider","Model":{"ComponentVersionArn":null,"Sha256":"s"},"Timestamp":1700000000.25}""", json);
    }

    [Fact]
    public void Deserialize_CamelCaseReply_IsReadCaseInsensitively()
    {
        const string json = """{"requestId":"x","error":{"code":"Busy","message":"queue full"}}""";

        var reply = JsonSerializer.Deserialize(json, CoreJsonContext.Default.ErrorReply)!;

        Assert.Equal("x", reply.RequestId);
        Assert.Equal(ErrorCodes.Busy, reply.Error.Code);
        Assert.Equal("queue full", reply.Error.Message);
    }

    [Fact]
    public void Indented_WritesTheSameContractPrettyPrinted()
    {
        var reply = new ErrorReply { Error = new ErrorDetail { Code = ErrorCodes.Busy, Message = "m" } };

        var compact = JsonSerializer.Serialize(reply, CoreJsonContext.Default.ErrorReply);
        var indented = JsonSerializer.Serialize(reply, CoreJsonContext.Indented.ErrorReply);

        Assert.Contains('\n', indented);
        JsonAssert.Equivalent(compact, indented);
    }
}
