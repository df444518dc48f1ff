using EdgeInference.Core.Manifest;
using EdgeInference.Core.Packages;
using EdgeInference.Onnx.Packages;
using EdgeInference.Testing;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace EdgeInference.Onnx.Tests.Packages;

public sealed class ManifestValidatorTests(ModelSessionsFixture models) : IClassFixture<ModelSessionsFixture>
{
    private static readonly ModelManifest Classifier = ModelPackage.Open(TestModels.ColorClassifier).Manifest;
    private static readonly ModelManifest Anomaly = ModelPackage.Open(TestModels.GreyAnomaly).Manifest;
    private static readonly ModelManifest Embedding = ModelPackage.Open(TestModels.ResNet18Sample).Manifest;

    public static TheoryData<string> ShippedPackages => new() { TestModels.ColorClassifier, TestModels.GreyAnomaly, TestModels.ResNet18Sample };

    [Theory]
    [MemberData(nameof(ShippedPackages))]
    public void ValidateManifest_ShippedManifest_HasNoErrors(string package)
    {
        Assert.Empty(ManifestRules.Validate(ModelPackage.Open(package).Manifest));
    }

    [Fact]
    public void ValidateAgainstModel_ShippedManifests_MatchTheirModels()
    {
        Assert.Empty(Check(Classifier, models.ColorClassifier));
        Assert.Empty(Check(Anomaly, models.GreyAnomaly));
        Assert.Empty(Check(Embedding, models.ResNet18));
    }

    [Fact]
    public void ValidateManifest_UnsupportedSchemaVersion_IsNamed()
    {
        var error = Assert.Single(ManifestRules.Validate(Classifier with { SchemaVersion = 2 }));

        Assert.Contains("SchemaVersion 2", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 32)]
    [InlineData(32, -1)]
    public void ValidateManifest_NonPositiveSize_IsNamed(int width, int height)
    {
        var error = Assert.Single(ManifestRules.Validate(Classifier with { Input = Classifier.Input with { Width = width, Height = height } }));

        Assert.Contains("Input.Width and Input.Height", error, StringComparison.Ordinal);
        Assert.Contains($"{width}×{height}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateManifest_NonFloatInput_IsNamed()
    {
        var error = Assert.Single(ManifestRules.Validate(Classifier with { Input = Classifier.Input with { ElementType = "uint8" } }));

        Assert.Contains("Input.ElementType 'uint8'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void ValidateManifest_BadScale_IsNamed(float scale)
    {
        var error = Assert.Single(ManifestRules.Validate(Classifier with { Input = Classifier.Input with { Scale = scale } }));

        Assert.Contains("Input.Scale", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateManifest_MeanWithTwoValues_IsNamed()
    {
        var error = Assert.Single(ManifestRules.Validate(Classifier with { Input = Classifier.Input with { Mean = [0.5f, 0.5f] } }));

        Assert.Contains("Input.Mean needs 3 values", error, StringComparison.Ordinal);
        Assert.Contains("got 2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateManifest_StdWithFourValues_IsNamed()
    {
        var error = Assert.Single(ManifestRules.Validate(Classifier with { Input = Classifier.Input with { Std = [1f, 1f, 1f, 1f] } }));

        Assert.Contains("Input.Std needs 3 values", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-0.2f)]
    [InlineData(float.NaN)]
    public void ValidateManifest_NonPositiveStd_IsNamed(float std)
    {
        var error = Assert.Single(ManifestRules.Validate(Classifier with { Input = Classifier.Input with { Std = [0.2f, std, 0.2f] } }));

        Assert.Contains("Input.Std values must be positive", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateManifest_NoOutputs_SaysEmptyAndWhichRoleIsNeeded()
    {
        var errors = ManifestRules.Validate(Classifier with { Outputs = [] });

        Assert.Contains("Outputs is empty.", errors);
        Assert.Contains(errors, e => e.Contains("needs an output with role Scores", StringComparison.Ordinal));
    }

    [Fact]
    public void ValidateManifest_TwoOutputsWithOneRole_IsNamed()
    {
        var manifest = Anomaly with { Outputs = [Out("a", OutputRole.AnomalyScore), Out("b", OutputRole.AnomalyScore)] };

        var error = Assert.Single(ManifestRules.Validate(manifest));

        Assert.Contains("more than one AnomalyScore output", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ModelTask.Classification, OutputRole.AnomalyMap, "Scores")]
    [InlineData(ModelTask.Anomaly, OutputRole.Embedding, "AnomalyScore, AnomalyMap")]
    [InlineData(ModelTask.Embedding, OutputRole.Scores, "Embedding")]
    public void ValidateManifest_RoleTheTaskDoesNotUse_NamesOutputRoleAndAllowedRoles(ModelTask task, OutputRole role, string allowed)
    {
        var manifest = Classifier with { Task = task, AnomalyThreshold = 0.5f, Outputs = [Out("extra", role), .. Outputs(task)] };

        var error = Assert.Single(ManifestRules.Validate(manifest));

        Assert.Contains($"Output 'extra' has role {role}", error, StringComparison.Ordinal);
        Assert.Contains($"{(task == ModelTask.Classification ? "a" : "an")} {task.ToString().ToLowerInvariant()} model", error, StringComparison.Ordinal);
        Assert.Contains($"allowed: {allowed}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateManifest_EmbeddingTaskWithOnlyScores_NeedsAnEmbeddingOutput()
    {
        var errors = ManifestRules.Validate(Embedding with { Outputs = [Out("probabilities", OutputRole.Scores)] });

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Contains("needs an output with role Embedding", StringComparison.Ordinal));
    }

    [Fact]
    public void ValidateManifest_NonFloatOutput_IsNamed()
    {
        var manifest = Classifier with { Outputs = [Out("probabilities", OutputRole.Scores) with { ElementType = "int64" }] };

        var error = Assert.Single(ManifestRules.Validate(manifest));

        Assert.Contains("Output 'probabilities' ElementType 'int64'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateManifest_ClassificationWithoutLabels_IsNamed()
    {
        Assert.Equal(["A classification model needs Labels."], ManifestRules.Validate(Classifier with { Labels = null }));
        Assert.Equal(["A classification model needs Labels."], ManifestRules.Validate(Classifier with { Labels = [] }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void ValidateManifest_NonPositiveTopK_IsNamed(int topK)
    {
        var error = Assert.Single(ManifestRules.Validate(Classifier with { TopK = topK }));

        Assert.Contains($"TopK must be positive (got {topK})", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateManifest_AnomalyWithoutThreshold_IsNamed()
    {
        Assert.Equal(["An anomaly model needs AnomalyThreshold."], ManifestRules.Validate(Anomaly with { AnomalyThreshold = null }));
    }

    [Fact]
    public void ValidateManifest_SeveralProblems_AreAllReported()
    {
        var manifest = Classifier with
        {
            SchemaVersion = 3,
            Input = Classifier.Input with { Width = 0, Mean = [1f] },
            Outputs = [Out("p", OutputRole.Embedding)],
        };

        var errors = ManifestRules.Validate(manifest);

        Assert.Equal(5, errors.Count);
        Assert.Contains(errors, e => e.Contains("SchemaVersion", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Input.Width", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Input.Mean", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("has role Embedding", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("needs an output with role Scores", StringComparison.Ordinal));
    }

    [Fact]
    public void ValidateManifest_NoLabelsAndBadTopK_ReportsBoth()
    {
        var errors = ManifestRules.Validate(Classifier with { Labels = null, TopK = 0 });

        Assert.Contains("A classification model needs Labels.", errors);
        Assert.Contains(errors, e => e.Contains("TopK must be positive", StringComparison.Ordinal));
    }

    [Fact]
    public void ValidateAgainstModel_WrongInputName_NamesBothNamesAndTheModelShape()
    {
        var error = Check(Classifier with { Input = Classifier.Input with { Name = "input" } }, models.ColorClassifier)[0];

        Assert.Contains("Input 'input' is not an input of the model", error, StringComparison.Ordinal);
        Assert.Contains("'image' Float [1,3,32,32]", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateAgainstModel_WrongInputNameOnOneInputModel_IsOneError()
    {
        var errors = Check(Classifier with { Input = Classifier.Input with { Name = "input" } }, models.ColorClassifier);

        Assert.DoesNotContain(errors, e => e.Contains("second input", StringComparison.Ordinal));
    }

    [Fact]
    public void ValidateAgainstModel_WrongSize_NamesModelShapeAndManifestSize()
    {
        var error = Assert.Single(Check(Classifier with { Input = Classifier.Input with { Width = 64, Height = 48 } }, models.ColorClassifier));

        Assert.Contains("Input 'image' is [1,3,32,32] but the manifest says 64×48 (NCHW)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateAgainstModel_NhwcOnAnNchwModel_SaysTheChannelsAreWrong()
    {
        var errors = Check(Embedding with { Input = Embedding.Input with { Layout = TensorLayout.NHWC } }, models.ResNet18);

        Assert.Contains(errors, e => e.Contains("has 224 channels in NHWC layout [1,3,224,224]", StringComparison.Ordinal) && e.Contains("Layout", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("is [1,3,224,224] but the manifest says 224×224 (NHWC)", StringComparison.Ordinal));
    }

    [Fact]
    public void ValidateAgainstModel_MissingOutput_NamesItsRoleAndTheModelOutputs()
    {
        var manifest = Anomaly with { Outputs = [Out("anomaly_score", OutputRole.AnomalyScore), Out("heatmap", OutputRole.AnomalyMap)] };

        var error = Assert.Single(Check(manifest, models.GreyAnomaly));

        Assert.Contains("Output 'heatmap' (AnomalyMap) is not an output of the model", error, StringComparison.Ordinal);
        Assert.Contains("'anomaly_map' Float [1,1,64,64]", error, StringComparison.Ordinal);
        Assert.Contains("'anomaly_score' Float [1]", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateAgainstModel_LabelCountDiffersFromClasses_NamesBothCounts()
    {
        var error = Assert.Single(Check(Classifier with { Labels = ["red", "green", "blue", "white"] }, models.ColorClassifier));

        Assert.Equal("Output 'probabilities' has 3 classes but Labels has 4.", error);
    }

    [Fact]
    public void ValidateAgainstModel_ScoresOnAOneValueOutput_NeedsBatchAndClasses()
    {
        var manifest = Classifier with { Input = Anomaly.Input, Outputs = [Out("anomaly_score", OutputRole.Scores)] };

        var error = Assert.Single(Check(manifest, models.GreyAnomaly));

        Assert.Contains("Output 'anomaly_score' (Scores) has rank 1 [1]; [batch, classes] is needed", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateAgainstModel_RolesSwappedOnAnomalyOutputs_NamesBothShapes()
    {
        var manifest = Anomaly with { Outputs = [Out("anomaly_map", OutputRole.AnomalyScore), Out("anomaly_score", OutputRole.AnomalyMap)] };

        var errors = Check(manifest, models.GreyAnomaly);

        Assert.Equal(2, errors.Count);
        Assert.Contains("Output 'anomaly_map' (AnomalyScore) is [1,1,64,64]; one value is needed.", errors);
        Assert.Contains("Output 'anomaly_score' (AnomalyMap) is [1]; [1, 1, H, W] or [1, H, W] is needed.", errors);
    }

    [Fact]
    public void ValidateAgainstModel_ClassScoresAsAnomalyMap_IsRefused()
    {
        var manifest = Anomaly with { Input = Classifier.Input, Outputs = [Out("probabilities", OutputRole.AnomalyMap)] };

        var error = Assert.Single(Check(manifest, models.ColorClassifier));

        Assert.Contains("(AnomalyMap) is [1,3]", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateAgainstModel_SeveralMismatches_AreAllReported()
    {
        var manifest = Classifier with
        {
            Input = Classifier.Input with { Name = "pixels" },
            Outputs = [Out("scores", OutputRole.Scores)],
        };

        var errors = Check(manifest, models.ColorClassifier);

        Assert.Contains(errors, e => e.StartsWith("Input 'pixels' is not an input", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Output 'scores' (Scores) is not an output", StringComparison.Ordinal));
        Assert.Equal(2, errors.Count);
    }

    private static IReadOnlyList<string> Check(ModelManifest manifest, InferenceSession session) =>
        ManifestValidator.ValidateAgainstModel(manifest, session.InputMetadata, session.OutputMetadata);

    private static ModelOutputSpec Out(string name, OutputRole role) => new() { Name = name, Role = role };

    private static ModelOutputSpec[] Outputs(ModelTask task) => task switch
    {
        ModelTask.Classification => [Out("probabilities", OutputRole.Scores)],
        ModelTask.Anomaly => [Out("anomaly_score", OutputRole.AnomalyScore)],
        _ => [Out("features", OutputRole.Embedding)],
    };
}
