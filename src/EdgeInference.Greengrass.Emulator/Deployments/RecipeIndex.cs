using EdgeInference.Greengrass.Emulator.Recipes;
using Semver;

namespace EdgeInference.Greengrass.Emulator.Deployments;

/// <summary>
/// The recipes of a local deployment's recipe folder, as DeploymentService.copyRecipesToComponentStore reads them:
/// every file under the folder (recursively) ending in <c>.yaml</c>, <c>.yml</c> or <c>.json</c> that is not empty is a
/// recipe and must parse (<see cref="RecipeRules"/>); other files are skipped. Indexed by name and version; when two
/// files hold the same name and version the later one (in path order) wins, as the later copy overwrites the store's.
/// </summary>
internal sealed class RecipeIndex
{
    private readonly Dictionary<string, SortedDictionary<SemVersion, ComponentRecipe>> _byName;

    private RecipeIndex(Dictionary<string, SortedDictionary<SemVersion, ComponentRecipe>> byName, IReadOnlyList<string> skipped, IReadOnlyList<string> replaced)
    {
        _byName = byName;
        SkippedFiles = skipped;
        ReplacedRecipes = replaced;
    }

    /// <summary>Files that were not recognised as recipes.</summary>
    public IReadOnlyList<string> SkippedFiles { get; }

    /// <summary>Name-version pairs defined by more than one file.</summary>
    public IReadOnlyList<string> ReplacedRecipes { get; }

    /// <summary>Reads the folder.</summary>
    /// <exception cref="DeploymentRefusedException">The folder is missing, or a recipe file does not parse or breaks a recipe rule.</exception>
    public static async Task<RecipeIndex> LoadAsync(string folder, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(folder))
        {
            throw new DeploymentRefusedException("--recipeDir", "recipe folder", $"{folder} does not exist");
        }

        var byName = new Dictionary<string, SortedDictionary<SemVersion, ComponentRecipe>>(StringComparer.Ordinal);
        var skipped = new List<string>();
        var replaced = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var extension = Path.GetExtension(file).ToLowerInvariant();
            if (extension is not (".yaml" or ".yml" or ".json") || new FileInfo(file).Length == 0)
            {
                skipped.Add(file);
                continue;
            }

            var recipe = await LoadRecipeAsync(file, cancellationToken).ConfigureAwait(false);
            RecipeRules.TryParseVersion(recipe.ComponentVersion, out var version);
            if (!byName.TryGetValue(recipe.ComponentName, out var versions))
            {
                versions = new SortedDictionary<SemVersion, ComponentRecipe>(SemVersion.PrecedenceComparer);
                byName[recipe.ComponentName] = versions;
            }

            if (versions.ContainsKey(version!))
            {
                replaced.Add($"{recipe.ComponentName}-v{recipe.ComponentVersion}");
            }

            versions[version!] = recipe;
        }

        return new RecipeIndex(byName, skipped, replaced);
    }

    /// <summary>The versions of <paramref name="componentName"/>, highest first.</summary>
    public IEnumerable<(SemVersion Version, ComponentRecipe Recipe)> Versions(string componentName) =>
        _byName.TryGetValue(componentName, out var versions) ? versions.Reverse().Select(p => (p.Key, p.Value)) : [];

    private static async Task<ComponentRecipe> LoadRecipeAsync(string file, CancellationToken cancellationToken)
    {
        ComponentRecipe recipe;
        try
        {
            recipe = await RecipeLoader.LoadAsync(file, cancellationToken).ConfigureAwait(false);
        }
        catch (RecipeException ex)
        {
            throw new DeploymentRefusedException(file, "recipe", $"Unable to parse {file} as a recipe due to: {ex.Message}", ex);
        }

        try
        {
            RecipeRules.Validate(recipe);
            return recipe;
        }
        catch (RecipeException ex)
        {
            throw new DeploymentRefusedException(recipe.ComponentName, "recipe", ex.Message, ex);
        }
    }
}
