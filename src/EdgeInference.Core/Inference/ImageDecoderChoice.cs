using System.Text.Json.Serialization;
using EdgeInference.Core.Json;

namespace EdgeInference.Core.Inference;

/// <summary>Which library decodes and resizes images (<c>Model:ImageDecoder</c>).</summary>
[JsonConverter(typeof(StrictEnumConverter<ImageDecoderChoice>))]
public enum ImageDecoderChoice
{
    /// <summary>OpenCV where its native runtime loads (linux-x64), else libvips; the reason is reported.</summary>
    [JsonStringEnumMemberName("auto")] Auto,

    /// <summary>OpenCV (OpenCvSharp): the model is not served when it cannot load.</summary>
    [JsonStringEnumMemberName("opencv")] OpenCv,

    /// <summary>libvips (NetVips), served for linux-x64 and linux-arm64.</summary>
    [JsonStringEnumMemberName("vips")] Vips,
}

public static class ImageDecoderNames
{
    /// <summary>The name configuration and describe replies use (<c>auto</c>, <c>opencv</c>, <c>vips</c>).</summary>
    public static string ToConfigName(this ImageDecoderChoice choice) => choice switch
    {
        ImageDecoderChoice.OpenCv => "opencv",
        ImageDecoderChoice.Vips => "vips",
        _ => "auto",
    };
}
