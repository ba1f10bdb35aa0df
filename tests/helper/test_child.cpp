// Placeholder until the runtime helper lands the real deterministic child.
int main() { return 0; }
