using LeNetFashion.Cli;

return CliApp.Run(args);
