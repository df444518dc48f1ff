namespace EdgeInference.Anomaly;

/// <summary>Training cannot go on: too few images, a missing backbone, a graph that does not fit. The message says which rule.</summary>
public class AnomalyTrainingException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>The samples given to training or evaluation break a rule (how many are needed, which image is unreadable).</summary>
public sealed class AnomalyDataException(string message, Exception? innerException = null) : AnomalyTrainingException(message, innerException);
