namespace Orleans.GvmRaft.Configuration;

/// <summary>An options class that can say what is wrong with its values.</summary>
public interface IValidatableOptions
{
    /// <summary>The configuration section the options bind from, e.g. <c>Gvm:Coordinator</c>.</summary>
    static abstract string SectionName { get; }

    /// <summary>One message per invalid setting, each naming the setting by its configuration path.</summary>
    IEnumerable<string> Validate();
}
