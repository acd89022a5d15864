# The systems that perSystem outputs (packages, formatter, devShells, checks) are built for.
{
  systems = [
{{#each systems}}
    "{{this}}"
{{/each}}
  ];
}
