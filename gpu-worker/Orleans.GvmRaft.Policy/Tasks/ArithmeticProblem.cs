namespace Orleans.GvmRaft.Policy.Tasks;

/// <summary>One synthetic arithmetic problem: its text (ending in '='), its answer, and how hard it is.</summary>
public sealed record ArithmeticProblem(string Id, string Text, string Answer, int Difficulty);
