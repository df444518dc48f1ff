using EdgeInference.Anomaly.Training;

namespace EdgeInference.LookoutVision.Models;

/// <summary>Training progress as lines (e.g. on stderr): each stage's start and end, and every tenth of the way in between.</summary>
public sealed class TrainingProgressWriter(TextWriter writer, string prefix) : IProgress<TrainingProgress>
{
    private string? _stage;
    private int _lastTenth = -1;

    public void Report(TrainingProgress value)
    {
        var tenth = value.Total == 0 ? 10 : value.Done * 10 / value.Total;
        if (value.Stage == _stage && tenth == _lastTenth)
        {
            return;
        }

        _stage = value.Stage;
        _lastTenth = tenth;
        writer.WriteLine($"{prefix}{value.Stage} {value.Done}/{value.Total}");
    }
}
