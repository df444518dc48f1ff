using EdgeInference.Core.Results;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Models;

/// <summary>
/// Every model the worker serves, by name, and which one the default topics serve: <c>Models:Default</c> when set, else
/// the only model that is not failed.
/// </summary>
public sealed class ModelCatalog : IDisposable
{
    private readonly Lock _gate = new();
    private readonly string? _defaultName;
    private Dictionary<string, ServedModel> _models = new(StringComparer.Ordinal);

    public ModelCatalog(IOptions<ModelsOptions> options) => _defaultName = string.IsNullOrWhiteSpace(options.Value.Default) ? null : options.Value.Default;

    /// <summary>All served models, by name.</summary>
    public IReadOnlyList<ServedModel> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal)];
            }
        }
    }

    public ServedModel? Find(string name)
    {
        lock (_gate)
        {
            return _models.GetValueOrDefault(name);
        }
    }

    /// <summary>
    /// Adds <paramref name="model"/>, or replaces (and disposes) the model of the same name; with
    /// <paramref name="replacing"/>, that model (of another name) goes in the same step, so no request ever finds neither
    /// or both.
    /// </summary>
    public void Put(ServedModel model, string? replacing = null)
    {
        ServedModel? replaced;
        ServedModel? renamed = null;
        lock (_gate)
        {
            var next = new Dictionary<string, ServedModel>(_models, StringComparer.Ordinal);
            next.TryGetValue(model.Name, out replaced);
            if (replacing is not null && replacing != model.Name && next.Remove(replacing, out var old))
            {
                renamed = old;
            }

            next[model.Name] = model;
            _models = next;
        }

        if (replaced is not null && !ReferenceEquals(replaced, model))
        {
            replaced.Dispose();
        }

        renamed?.Dispose();
    }

    /// <summary>Stops serving <paramref name="name"/>; requests running on it finish first.</summary>
    public bool Remove(string name)
    {
        ServedModel? removed;
        lock (_gate)
        {
            if (!_models.TryGetValue(name, out removed))
            {
                return false;
            }

            var next = new Dictionary<string, ServedModel>(_models, StringComparer.Ordinal);
            next.Remove(name);
            _models = next;
        }

        removed.Dispose();
        return true;
    }

    /// <summary>The model the default topics serve, or null with the reason and error code.</summary>
    public ServedModel? ResolveDefault(out string? errorCode, out string? reason)
    {
        var models = All;
        if (_defaultName is not null)
        {
            var named = models.FirstOrDefault(m => m.Name == _defaultName);
            return Usable(named, _defaultName, models, out errorCode, out reason);
        }

        var candidates = models.Where(m => m.State != ModelState.Failed).ToList();
        switch (candidates.Count)
        {
            case 1:
                return Usable(candidates[0], candidates[0].Name, models, out errorCode, out reason);
            case 0:
                errorCode = ErrorCodes.ModelNotReady;
                reason = models.Count == 0
                    ? "No model is served yet; retry when the status topic says RUNNING."
                    : $"No model is ready: {string.Join("; ", models.Select(m => $"{m.Name}: {m.StatusMessage}"))}";
                return null;
            default:
                errorCode = ErrorCodes.ModelNotFound;
                reason = $"Several models are served ({string.Join(", ", candidates.Select(m => m.Name))}) and Models:Default names none: " +
                    "send to edge-inference/<thing>/models/<name>/infer or name one in the request's Model field.";
                return null;
        }
    }

    /// <summary>The model named <paramref name="name"/>, or null with the reason and error code.</summary>
    public ServedModel? Resolve(string name, out string? errorCode, out string? reason) =>
        Usable(Find(name), name, All, out errorCode, out reason);

    public void Dispose()
    {
        Dictionary<string, ServedModel> models;
        lock (_gate)
        {
            models = _models;
            _models = new(StringComparer.Ordinal);
        }

        foreach (var model in models.Values)
        {
            model.Dispose();
        }
    }

    private static ServedModel? Usable(ServedModel? model, string name, IReadOnlyList<ServedModel> all, out string? errorCode, out string? reason)
    {
        if (model is null)
        {
            errorCode = ErrorCodes.ModelNotFound;
            reason = $"No model named '{name}' is served here (served: {(all.Count == 0 ? "none" : string.Join(", ", all.Select(m => m.Name)))}).";
            return null;
        }

        if (model.Engine is null)
        {
            errorCode = ErrorCodes.ModelNotReady;
            reason = model.State == ModelState.Failed
                ? $"Model '{name}' cannot be served: {model.StatusMessage}"
                : $"Model '{name}' is still loading; retry shortly.";
            return null;
        }

        errorCode = null;
        reason = null;
        return model;
    }
}
