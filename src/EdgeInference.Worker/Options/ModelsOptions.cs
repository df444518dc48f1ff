namespace EdgeInference.Worker.Options;

/// <summary>The <c>Models</c> section: the models that model components register with this worker.</summary>
public sealed record ModelsOptions
{
    public const string SectionName = "Models";

    /// <summary>
    /// The model repository folder model components register in (<c>models register</c>); empty: none. The runtime
    /// component's recipe sets it to <c>{work:path}/models</c>.
    /// </summary>
    public string? Repository { get; set; }

    /// <summary>The model the default topics serve when several are served (by name); empty: the only one served.</summary>
    public string? Default { get; set; }

    /// <summary>How often the repository is rescanned besides file-change notifications.</summary>
    public int RescanSeconds { get; set; } = 10;
}
